import django_filters
from django.utils.translation import gettext_lazy as _

from marketplace.categories.models import Category

from ..models import Product
from ..regions import validate_region_code
from ..selectors import (
    category_subtree,
    filter_suppliers_by_category,
    filter_suppliers_by_region,
)


class SupplierDirectoryFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="code",
        method="filter_category",
        label=_("Category code; suppliers of any category below it match too"),
    )
    region = django_filters.CharFilter(
        method="filter_region",
        validators=[validate_region_code],
        label=_("ISO 3166 country (UA) or subdivision (UA-30) code"),
    )

    def filter_category(self, queryset, name, value: Category | None):
        return filter_suppliers_by_category(queryset, value) if value else queryset

    def filter_region(self, queryset, name, value: str):
        return filter_suppliers_by_region(queryset, value) if value else queryset


class ProductFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="code",
        method="filter_category",
        label=_("Category code; products of any category below it match too"),
    )
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Product
        fields = ["category", "is_active"]

    def filter_category(self, queryset, name, value: Category | None):
        if not value:
            return queryset
        return queryset.filter(category__in=category_subtree(category=value).values("pk"))
