"""The CRM API: ``/api/crm/<workspace id>/...``; each area has its own routes."""

from django.urls import include, path

urlpatterns = [
    path("crm/<int:workspace_id>/", include("crm.api.accounts_urls")),
    path("crm/<int:workspace_id>/", include("crm.api.pipeline_urls")),
    path("crm/<int:workspace_id>/", include("crm.api.activities_urls")),
    path("crm/<int:workspace_id>/", include("crm.api.documents_urls")),
]
