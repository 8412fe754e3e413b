"""The marketing REST API (included under /api/ by marketplace/urls.py):
``/api/crm/<workspace id>/marketing/...``, inside the CRM's routes (its canary crawl walks them)."""

from django.urls import path

from . import views

M = "crm/<int:workspace_id>/marketing/"
CAMPAIGN = M + "campaigns/<int:campaign_id>/"

urlpatterns = [
    path(M + "segments/", views.SegmentListApi.as_view(), name="marketing-segments"),
    path(M + "segments/count/", views.SegmentCountsApi.as_view(), name="marketing-filters-count"),
    path(
        M + "segments/<int:segment_id>/",
        views.SegmentDetailApi.as_view(),
        name="marketing-segment",
    ),
    path(M + "campaigns/", views.CampaignListApi.as_view(), name="marketing-campaigns"),
    path(CAMPAIGN, views.CampaignDetailApi.as_view(), name="marketing-campaign"),
    path(CAMPAIGN + "send/", views.CampaignSendApi.as_view(), name="marketing-campaign-send"),
    path(
        CAMPAIGN + "export.csv",
        views.CampaignExportApi.as_view(),
        name="marketing-campaign-export",
    ),
    path(
        CAMPAIGN + "recipients/",
        views.RecipientListApi.as_view(),
        name="marketing-campaign-recipients",
    ),
    path(M + "suppressions/", views.SuppressionListApi.as_view(), name="marketing-suppressions"),
]
