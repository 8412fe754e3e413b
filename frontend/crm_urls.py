"""The CRM's pages: the workspace's home, accounts and contacts, activities and the calendar
feed, imports and exports (``/crm/<workspace id>/...``; names start with ``crm-``). The
pipeline, leads, analytics and documents are in ``crm_pipeline_urls``."""

from django.urls import path

from . import crm_activity_views as activity
from . import crm_contact_views as contacts
from . import crm_import_views as imports
from . import crm_views as views

WS = "crm/<int:workspace_id>/"
ACCOUNT = WS + "accounts/<int:account_id>/"
CONTACT = WS + "contacts/<int:contact_id>/"
ACTIVITY = WS + "activities/<int:activity_id>/"
IMPORT = WS + "imports/<int:job_id>/"

urlpatterns = [
    path("crm/", views.crm_entry, name="crm"),
    path(WS, views.crm_home, name="crm-home"),
    # Accounts
    path(WS + "accounts/", views.account_list_page, name="crm-accounts"),
    path(WS + "accounts/new/", views.account_create_page, name="crm-account-create"),
    path(WS + "accounts/export/", imports.account_export_page, name="crm-accounts-export"),
    path(ACCOUNT, views.account_page, name="crm-account"),
    path(ACCOUNT + "edit/", views.account_edit_page, name="crm-account-edit"),
    path(ACCOUNT + "delete/", views.account_delete_page, name="crm-account-delete"),
    path(ACCOUNT + "duplicates/", views.account_duplicates_page, name="crm-account-duplicates"),
    path(ACCOUNT + "merge/", views.account_merge_page, name="crm-account-merge"),
    path(ACCOUNT + "timeline/", views.account_timeline, name="crm-account-timeline"),
    path(ACCOUNT + "contacts/new/", contacts.contact_create_page, name="crm-contact-create"),
    # Contacts
    path(WS + "contacts/", contacts.contact_list_page, name="crm-contacts"),
    path(WS + "contacts/export/", imports.contact_export_page, name="crm-contacts-export"),
    path(CONTACT, contacts.contact_page, name="crm-contact"),
    path(CONTACT + "edit/", contacts.contact_edit_page, name="crm-contact-edit"),
    path(CONTACT + "delete/", contacts.contact_delete_page, name="crm-contact-delete"),
    path(CONTACT + "timeline/", contacts.contact_timeline, name="crm-contact-timeline"),
    # Activities and the calendar feed
    path(WS + "activities/", activity.activity_list_page, name="crm-activities"),
    path(WS + "activities/new/", activity.activity_create_page, name="crm-activity-create"),
    path(ACTIVITY, activity.activity_page, name="crm-activity"),
    path(ACTIVITY + "done/", activity.activity_done_page, name="crm-activity-done"),
    path(ACTIVITY + "delete/", activity.activity_delete_page, name="crm-activity-delete"),
    path(ACTIVITY + "invitation.ics", activity.activity_ics, name="crm-activity-ics"),
    path(WS + "calendar/", activity.calendar_feed_page, name="crm-calendar"),
    # Imports
    path(WS + "imports/", imports.import_list_page, name="crm-imports"),
    path(WS + "imports/columns/", imports.import_columns, name="crm-import-columns"),
    path(IMPORT, imports.import_page, name="crm-import"),
    path(IMPORT + "progress/", imports.import_progress, name="crm-import-progress"),
    path(IMPORT + "confirm/", imports.import_confirm_page, name="crm-import-confirm"),
]
