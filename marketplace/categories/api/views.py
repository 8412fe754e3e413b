"""Categories API: the classification tree, readable by anyone, names in the request's
language (Accept-Language, via LocaleMiddleware)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from marketplace.core.exceptions import NotFoundError
from marketplace.core.ids import IdFilter
from marketplace.core.serializers import ErrorResponseSerializer

from .. import selectors
from ..models import Category
from .serializers import CategoryDetailOutputSerializer, CategoryOutputSerializer

ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy("en, ru or uk: the language of the names"),
)


class CategoryFilter(django_filters.FilterSet):
    parent = IdFilter(
        field_name="parent_id", help_text=gettext_lazy("Only the children of this category")
    )
    roots = django_filters.BooleanFilter(
        method="filter_roots", help_text=gettext_lazy("true: only the top-level divisions")
    )
    depth = django_filters.NumberFilter()
    search = django_filters.CharFilter(
        method="filter_search",
        help_text=gettext_lazy("Part of the code or of the name in the request's language"),
    )
    within = IdFilter(
        method="filter_within", help_text=gettext_lazy("Only this category and its subtree")
    )

    class Meta:
        model = Category
        fields = ["parent", "roots", "depth", "search", "within"]

    def filter_roots(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(parent__isnull=value)

    def filter_search(self, qs, name, value):
        ids = selectors.category_list(search=value).values("pk")
        return qs.filter(pk__in=ids)

    def filter_within(self, qs, name, value):
        category = selectors.category_get(category_id=int(value))
        if category is None:
            return qs.none()
        return qs.filter(pk__in=selectors.category_subtree(category=category).values("pk"))


class CategoryListApi(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = CategoryOutputSerializer
    filterset_class = CategoryFilter
    ordering_fields = ["path", "code"]

    def get_queryset(self):
        return selectors.category_list()

    @extend_schema(
        operation_id="categories_list",
        summary="Categories of goods and services (CPV-based), filterable",
        parameters=[ACCEPT_LANGUAGE],
        responses={200: CategoryOutputSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        ids = [c.pk for c in page]
        parent_ids = set(
            Category.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True)
        )
        data = CategoryOutputSerializer(page, many=True, context={"parent_ids": parent_ids}).data
        return self.get_paginated_response(data)


class CategoryDetailApi(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = CategoryDetailOutputSerializer
    queryset = Category.objects.none()

    @extend_schema(
        operation_id="categories_retrieve",
        summary="A category with its ancestors and children",
        parameters=[ACCEPT_LANGUAGE],
        responses={
            200: CategoryDetailOutputSerializer,
            404: OpenApiResponse(
                ErrorResponseSerializer, description=gettext_lazy("No such category")
            ),
        },
    )
    def get(self, request, category_id: int):
        category = selectors.category_get(category_id=category_id)
        if category is None:
            raise NotFoundError(_("No such category."), code="category_not_found")
        children = list(selectors.category_children(category=category))
        context = {
            "ancestors": list(selectors.category_ancestors(category=category)),
            "children": children,
            "parent_ids": {category.pk} if children else set(),
        }
        return Response(CategoryDetailOutputSerializer(category, context=context).data)
