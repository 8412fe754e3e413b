"""The automation pages (included by frontend/urls.py), in the CRM's workspace:
``/crm/<workspace id>/automation/...`` (names start with ``automation-``)."""

from django.urls import path

from . import automation_views as views

WS = "crm/<int:workspace_id>/automation/"
RULE = WS + "<int:rule_id>/"

urlpatterns = [
    path("crm/automation/", views.automation_entry, name="automation"),
    path(WS, views.rule_list_page, name="automation-rules"),
    path(WS + "new/", views.rule_create_page, name="automation-rule-create"),
    path(RULE, views.rule_page, name="automation-rule"),
    path(RULE + "edit/", views.rule_edit_page, name="automation-rule-edit"),
    path(RULE + "toggle/", views.rule_toggle_page, name="automation-rule-toggle"),
    path(RULE + "delete/", views.rule_delete_page, name="automation-rule-delete"),
    path(
        WS + "actions/<int:action_id>/retry/",
        views.action_retry_page,
        name="automation-action-retry",
    ),
]
