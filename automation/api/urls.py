"""The automation REST API (included under /api/ by marketplace/urls.py), in the CRM's
workspace: ``/api/crm/<workspace id>/automation/...``."""

from django.urls import path

from . import views

WS = "crm/<int:workspace_id>/automation/"

urlpatterns = [
    path(WS + "catalogue/", views.CatalogueApi.as_view(), name="automation-catalogue"),
    path(WS + "rules/", views.RuleListApi.as_view(), name="automation-rules"),
    path(WS + "rules/<int:rule_id>/", views.RuleDetailApi.as_view(), name="automation-rule"),
    path(WS + "runs/", views.RunListApi.as_view(), name="automation-runs"),
    path(
        WS + "actions/<int:action_id>/retry/",
        views.ActionRetryApi.as_view(),
        name="automation-action-retry",
    ),
]
