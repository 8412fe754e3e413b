"""The CRM API's accounts routes: accounts, contacts, tags, custom fields, duplicates and
merging, import and export (under ``/api/crm/<workspace_id>/``)."""

from django.urls import path

from . import accounts_views as v
from . import import_views as i

urlpatterns = [
    path("accounts/", v.AccountListCreateApi.as_view(), name="crm-accounts"),
    path("accounts/export/", v.AccountExportApi.as_view(), name="crm-accounts-export"),
    path("accounts/<int:account_id>/", v.AccountDetailApi.as_view(), name="crm-account"),
    path(
        "accounts/<int:account_id>/duplicates/",
        v.AccountDuplicatesApi.as_view(),
        name="crm-account-duplicates",
    ),
    path("accounts/<int:account_id>/merge/", v.AccountMergeApi.as_view(), name="crm-account-merge"),
    path(
        "accounts/<int:account_id>/contacts/",
        v.AccountContactsApi.as_view(),
        name="crm-account-contacts",
    ),
    path("contacts/", v.ContactListApi.as_view(), name="crm-contacts"),
    path("contacts/export/", v.ContactExportApi.as_view(), name="crm-contacts-export"),
    path("contacts/<int:contact_id>/", v.ContactDetailApi.as_view(), name="crm-contact"),
    path("tags/", v.TagListCreateApi.as_view(), name="crm-tags"),
    path("tags/<int:tag_id>/", v.TagDetailApi.as_view(), name="crm-tag"),
    path("custom-fields/", v.CustomFieldListCreateApi.as_view(), name="crm-custom-fields"),
    path(
        "custom-fields/<int:field_id>/", v.CustomFieldDetailApi.as_view(), name="crm-custom-field"
    ),
    path("imports/", i.ImportListCreateApi.as_view(), name="crm-imports"),
    path("imports/columns/", i.ImportColumnsApi.as_view(), name="crm-import-columns"),
    path("imports/<int:job_id>/", i.ImportDetailApi.as_view(), name="crm-import"),
    path(
        "imports/<int:job_id>/progress/", i.ImportProgressApi.as_view(), name="crm-import-progress"
    ),
    path("imports/<int:job_id>/report/", i.ImportReportApi.as_view(), name="crm-import-report"),
    path("imports/<int:job_id>/confirm/", i.ImportConfirmApi.as_view(), name="crm-import-confirm"),
]
