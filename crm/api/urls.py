"""The CRM API: ``/api/crm/<workspace id>/...``; each area has its own routes."""

from django.urls import include, path

from . import activities_urls

urlpatterns = [
    path("crm/<int:workspace_id>/", include("crm.api.accounts_urls")),
    path("crm/<int:workspace_id>/", include("crm.api.pipeline_urls")),
    path("crm/<int:workspace_id>/", include("crm.api.activities_urls")),
    # A person's calendar feed, answered by its token alone (no workspace, no session).
    path("crm/calendar/", include(activities_urls.feed_urlpatterns)),
    path("crm/<int:workspace_id>/", include("crm.api.documents_urls")),
]
