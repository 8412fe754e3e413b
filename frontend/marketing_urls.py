"""The marketing pages (included by frontend/urls.py): ``/crm/<workspace id>/marketing/...``
beside the CRM's pages, names ``marketing-...``; and the unsubscribe link of every message."""

from django.urls import path

from . import marketing_views as views

M = "crm/<int:workspace_id>/marketing/"
CAMPAIGN = M + "campaigns/<int:campaign_id>/"

urlpatterns = [
    path("crm/marketing/", views.marketing_entry, name="marketing"),
    path(M, views.marketing_home, name="marketing-home"),
    path(M + "segments/new/", views.segment_create_page, name="marketing-segment-create"),
    path(M + "segments/count/", views.segment_count, name="marketing-segment-count"),
    path(M + "segments/<int:segment_id>/", views.segment_page, name="marketing-segment"),
    path(M + "campaigns/new/", views.campaign_create_page, name="marketing-campaign-create"),
    path(CAMPAIGN, views.campaign_page, name="marketing-campaign"),
    path(CAMPAIGN + "send/", views.campaign_send_page, name="marketing-campaign-send"),
    path(CAMPAIGN + "export.csv", views.campaign_export_page, name="marketing-campaign-export"),
    path(
        "marketing/unsubscribe/<str:token>/", views.unsubscribe_page, name="marketing-unsubscribe"
    ),
]
