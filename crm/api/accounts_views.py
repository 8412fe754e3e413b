"""The CRM's accounts API: accounts (list with filters, create with its duplicate candidates,
read, change, delete), an account's duplicates and merging one into it, contacts, tags, custom
fields, and export. Thin views over ``crm.accounts``, ``crm.account_selectors``, ``crm.dedup``
and ``crm.imports``; every one starts with the workspace check (404 to other companies)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from marketplace.core.files import download_response
from marketplace.core.ids import IdField, PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer

from .. import account_selectors as selectors
from .. import accounts as services
from .. import dedup, imports
from ..access import workspace_require
from ..models import Account, Contact, CustomField, Lifecycle, Segment, Tag
from . import accounts_serializers as s

TAGS = ["crm accounts"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Read-only for your role"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not your company's CRM"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with what the CRM has"))


class CrmApiView(PathIdsInRange, GenericAPIView):
    """A view of a workspace's CRM: before anything else (the input's shape included), the
    workspace answers 404 to other companies and 403 to its readers asking to change it."""

    pagination_class: type[BasePagination] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        workspace_require(
            user=request.user,
            workspace_id=kwargs["workspace_id"],
            edit=request.method not in SAFE_METHODS,
        )

    def input(self, serializer_class, *, partial: bool = False) -> dict:
        data = serializer_class(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


def _account_out(request, account: Account) -> dict:
    account = selectors.account_get(
        user=request.user, workspace_id=account.workspace_id, account_id=account.pk
    )
    return s.AccountOutputSerializer(account).data


def _duplicates_out(candidates: list[dedup.Candidate]) -> Any:
    return s.DuplicateOutputSerializer(
        [{"account": c.account, "reasons": c.reasons, "score": c.score} for c in candidates],
        many=True,
    ).data


# --- Accounts ------------------------------------------------------------------------------


class AccountFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    stage = serializers.ChoiceField(choices=Lifecycle.choices, required=False)
    segment = serializers.ChoiceField(choices=Segment.choices, required=False)
    owner = IdField(required=False, source="owner_id")
    tag = IdField(required=False, source="tag_id")
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)


ACCOUNT_FILTERS = [
    OpenApiParameter("q", str, description="name, identifier, domain or e-mail"),
    OpenApiParameter("stage", str, enum=Lifecycle.values),
    OpenApiParameter("segment", str, enum=Segment.values),
    OpenApiParameter("owner", int, description="the owner's user id"),
    OpenApiParameter("tag", int, description="a tag's id"),
    OpenApiParameter("country", str, description="ISO 3166 two-letter code"),
]


def _account_filters(request) -> dict:
    data = AccountFilterSerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class AccountListCreateApi(CrmApiView):
    serializer_class = s.AccountOutputSerializer
    queryset = Account.objects.none()
    pagination_class = GenericAPIView.pagination_class

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_list",
        summary="The workspace's accounts, filtered",
        parameters=ACCOUNT_FILTERS,
        responses={200: s.AccountOutputSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        accounts = selectors.account_list(
            user=request.user, workspace_id=workspace_id, **_account_filters(request)
        )
        page = self.paginate_queryset(accounts)
        return self.get_paginated_response(s.AccountOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_create",
        summary="Add an account; the answer names its possible duplicates (not an error)",
        request=s.AccountInputSerializer,
        responses={201: s.AccountCreatedSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int):
        data = self.input(s.AccountInputSerializer)
        account = services.account_create(actor=request.user, workspace_id=workspace_id, **data)
        return Response(
            {
                "account": _account_out(request, account),
                "duplicates": _duplicates_out(dedup.duplicates_of(account)),
            },
            status=status.HTTP_201_CREATED,
        )


class AccountDetailApi(CrmApiView):
    serializer_class = s.AccountOutputSerializer
    queryset = Account.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_retrieve",
        summary="An account",
        responses={200: s.AccountOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, account_id: int):
        account = selectors.account_get(
            user=request.user, workspace_id=workspace_id, account_id=account_id
        )
        return Response(s.AccountOutputSerializer(account).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_update",
        summary="Change an account (the fields given; custom keys merged, null removes one)",
        request=s.AccountInputSerializer,
        responses={200: s.AccountOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, workspace_id: int, account_id: int):
        changes = self.input(s.AccountInputSerializer, partial=True)
        account = services.account_update(
            actor=request.user, workspace_id=workspace_id, account_id=account_id, changes=changes
        )
        return Response(_account_out(request, account))

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_delete",
        summary="Delete an account with its contacts, opportunities, activities and timeline",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, account_id: int):
        services.account_delete(
            actor=request.user, workspace_id=workspace_id, account_id=account_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountDuplicatesApi(CrmApiView):
    serializer_class = s.DuplicateOutputSerializer
    queryset = Account.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_duplicates",
        summary="Accounts that may be the same counterparty (identifier, domain, similar name)",
        responses={200: s.DuplicateOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int, account_id: int):
        candidates = dedup.account_duplicates(
            user=request.user, workspace_id=workspace_id, account_id=account_id
        )
        return Response(_duplicates_out(candidates))


class AccountMergeApi(CrmApiView):
    serializer_class = s.AccountOutputSerializer
    queryset = Account.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_merge",
        summary="Merge another account (a duplicate) into this one, with its history",
        request=s.MergeInputSerializer,
        responses={200: s.AccountOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int, account_id: int):
        data = self.input(s.MergeInputSerializer)
        survivor = dedup.account_merge(
            actor=request.user,
            workspace_id=workspace_id,
            survivor_id=account_id,
            duplicate_id=data["duplicate"],
        )
        return Response(_account_out(request, survivor))


# --- Contacts ------------------------------------------------------------------------------


class AccountContactsApi(CrmApiView):
    serializer_class = s.ContactOutputSerializer
    queryset = Contact.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_account_contacts_list",
        summary="The contacts of an account",
        responses={200: s.ContactOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int, account_id: int):
        contacts = selectors.account_contact_list(
            user=request.user, workspace_id=workspace_id, account_id=account_id
        )
        return Response(s.ContactOutputSerializer(contacts, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_account_contacts_create",
        summary="Add a contact to an account",
        request=s.ContactInputSerializer,
        responses={201: s.ContactOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int, account_id: int):
        data = self.input(s.ContactInputSerializer)
        contact = services.contact_create(
            actor=request.user, workspace_id=workspace_id, account_id=account_id, **data
        )
        return Response(s.ContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactListApi(CrmApiView):
    serializer_class = s.ContactOutputSerializer
    queryset = Contact.objects.none()
    pagination_class = GenericAPIView.pagination_class

    @extend_schema(
        tags=TAGS,
        operation_id="crm_contacts_list",
        summary="The workspace's contacts",
        parameters=[OpenApiParameter("q", str, description="a name, position or e-mail")],
        responses={200: s.ContactOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        contacts = selectors.contact_list(
            user=request.user, workspace_id=workspace_id, q=request.query_params.get("q", "")
        )
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(s.ContactOutputSerializer(page, many=True).data)


class ContactDetailApi(CrmApiView):
    serializer_class = s.ContactOutputSerializer
    queryset = Contact.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_contacts_retrieve",
        summary="A contact",
        responses={200: s.ContactOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, contact_id: int):
        contact = selectors.contact_get(
            user=request.user, workspace_id=workspace_id, contact_id=contact_id
        )
        return Response(s.ContactOutputSerializer(contact).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_contacts_update",
        summary="Change a contact (the fields given)",
        request=s.ContactInputSerializer,
        responses={200: s.ContactOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, contact_id: int):
        changes = self.input(s.ContactInputSerializer, partial=True)
        contact = services.contact_update(
            actor=request.user, workspace_id=workspace_id, contact_id=contact_id, changes=changes
        )
        return Response(s.ContactOutputSerializer(contact).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_contacts_delete",
        summary="Delete a contact",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, contact_id: int):
        services.contact_delete(
            actor=request.user, workspace_id=workspace_id, contact_id=contact_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Tags and custom fields ----------------------------------------------------------------


class TagListCreateApi(CrmApiView):
    serializer_class = s.TagOutputSerializer
    queryset = Tag.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_tags_list",
        summary="The workspace's tags",
        responses={200: s.TagOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        tags = selectors.tag_list(user=request.user, workspace_id=workspace_id)
        return Response(s.TagOutputSerializer(tags, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_tags_create",
        summary="Add a tag (the existing one of the same name, in any case, is answered)",
        request=s.TagInputSerializer,
        responses={201: s.TagOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        data = self.input(s.TagInputSerializer)
        tag = services.tag_create(actor=request.user, workspace_id=workspace_id, **data)
        return Response(s.TagOutputSerializer(tag).data, status=status.HTTP_201_CREATED)


class TagDetailApi(CrmApiView):
    serializer_class = s.TagOutputSerializer
    queryset = Tag.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_tags_rename",
        summary="Rename a tag",
        request=s.TagInputSerializer,
        responses={200: s.TagOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, workspace_id: int, tag_id: int):
        data = self.input(s.TagInputSerializer)
        tag = services.tag_rename(
            actor=request.user, workspace_id=workspace_id, tag_id=tag_id, **data
        )
        return Response(s.TagOutputSerializer(tag).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_tags_delete",
        summary="Delete a tag (its accounts keep the rest of their tags)",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, tag_id: int):
        services.tag_delete(actor=request.user, workspace_id=workspace_id, tag_id=tag_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CustomFieldListCreateApi(CrmApiView):
    serializer_class = s.CustomFieldOutputSerializer
    queryset = CustomField.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_custom_fields_list",
        summary="The workspace's custom fields",
        parameters=[OpenApiParameter("entity", str, enum=CustomField.Entity.values)],
        responses={200: s.CustomFieldOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        entity = request.query_params.get("entity", "")
        if entity not in ("", *CustomField.Entity.values):
            entity = "-"  # an unknown entity has no fields
        fields = selectors.custom_field_list(
            user=request.user, workspace_id=workspace_id, entity=entity
        )
        return Response(s.CustomFieldOutputSerializer(fields, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_custom_fields_create",
        summary="Add a custom field to accounts, contacts or opportunities",
        request=s.CustomFieldInputSerializer,
        responses={201: s.CustomFieldOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int):
        data = self.input(s.CustomFieldInputSerializer)
        definition = services.custom_field_create(
            actor=request.user, workspace_id=workspace_id, **data
        )
        return Response(
            s.CustomFieldOutputSerializer(definition).data, status=status.HTTP_201_CREATED
        )


class CustomFieldDetailApi(CrmApiView):
    serializer_class = s.CustomFieldOutputSerializer
    queryset = CustomField.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_custom_fields_update",
        summary="Change a custom field's label or choices (its key and type stay)",
        request=s.CustomFieldUpdateSerializer,
        responses={200: s.CustomFieldOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, field_id: int):
        data = self.input(s.CustomFieldUpdateSerializer, partial=True)
        definition = services.custom_field_update(
            actor=request.user, workspace_id=workspace_id, field_id=field_id, **data
        )
        return Response(s.CustomFieldOutputSerializer(definition).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_custom_fields_delete",
        summary="Delete a custom field and its values",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, field_id: int):
        services.custom_field_delete(
            actor=request.user, workspace_id=workspace_id, field_id=field_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Export --------------------------------------------------------------------------------

FORMAT_PARAMETER = OpenApiParameter(
    "file_format", str, enum=["csv", "xlsx"], default="csv", description="csv (UTF-8) or xlsx"
)
FILE_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, imports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
    400: E400,
    404: E404,
}


def _file(data: bytes, *, name: str, file_format: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d")
    return download_response(
        data,
        filename=f"{name}-{stamp}.{file_format}",
        content_type=imports.CONTENT_TYPES[file_format],
    )


class AccountExportApi(CrmApiView):
    serializer_class = s.ExportQuerySerializer
    queryset = Account.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_export",
        summary="The accounts (filtered as the list) in the import's columns",
        parameters=[FORMAT_PARAMETER, *ACCOUNT_FILTERS],
        responses=FILE_RESPONSES,
    )
    def get(self, request, workspace_id: int):
        query = s.ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file_format = query.validated_data["file_format"]
        data = imports.account_export(
            user=request.user,
            workspace_id=workspace_id,
            file_format=file_format,
            **_account_filters(request),
        )
        return _file(data, name="accounts", file_format=file_format)


class ContactExportApi(CrmApiView):
    serializer_class = s.ExportQuerySerializer
    queryset = Contact.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_contacts_export",
        summary="The contacts in the import's columns",
        parameters=[FORMAT_PARAMETER, OpenApiParameter("q", str)],
        responses=FILE_RESPONSES,
    )
    def get(self, request, workspace_id: int):
        query = s.ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file_format = query.validated_data["file_format"]
        data = imports.contact_export(
            user=request.user,
            workspace_id=workspace_id,
            file_format=file_format,
            q=request.query_params.get("q", ""),
        )
        return _file(data, name="contacts", file_format=file_format)
