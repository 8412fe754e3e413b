"""The CRM API's routes for document templates, generated documents, and the forecast and
analytics (under ``/api/crm/<workspace_id>/``)."""

from django.urls import path

from .analytics_views import (
    BuyerSavingsApi,
    PipelineForecastApi,
    PlanFactApi,
    SupplierAuctionsApi,
    WinRateApi,
)
from .documents_views import (
    DocumentApi,
    DocumentFileApi,
    DocumentListApi,
    PlaceholderListApi,
    TemplateApi,
    TemplateListApi,
    VersionApi,
    VersionDocxApi,
    VersionListApi,
    VersionPreviewApi,
)

TEMPLATE = "document-templates/<int:template_id>/"
VERSION = TEMPLATE + "versions/<int:version_id>/"

urlpatterns = [
    path("document-templates/", TemplateListApi.as_view(), name="crm-document-templates"),
    path(TEMPLATE, TemplateApi.as_view(), name="crm-document-template"),
    path(
        TEMPLATE + "versions/",
        VersionListApi.as_view(),
        name="crm-document-template-versions",
    ),
    path(VERSION, VersionApi.as_view(), name="crm-document-template-version"),
    path(VERSION + "docx/", VersionDocxApi.as_view(), name="crm-document-template-version-docx"),
    path(
        VERSION + "preview/",
        VersionPreviewApi.as_view(),
        name="crm-document-template-version-preview",
    ),
    path("document-placeholders/", PlaceholderListApi.as_view(), name="crm-document-placeholders"),
    path("documents/", DocumentListApi.as_view(), name="crm-documents"),
    path("documents/<int:document_id>/", DocumentApi.as_view(), name="crm-document"),
    path("documents/<int:document_id>/file/", DocumentFileApi.as_view(), name="crm-document-file"),
    path("analytics/pipeline/", PipelineForecastApi.as_view(), name="crm-analytics-pipeline"),
    path("analytics/plan-fact/", PlanFactApi.as_view(), name="crm-analytics-plan-fact"),
    path("analytics/win-rate/", WinRateApi.as_view(), name="crm-analytics-win-rate"),
    path("analytics/auctions/", SupplierAuctionsApi.as_view(), name="crm-analytics-auctions"),
    path("analytics/savings/", BuyerSavingsApi.as_view(), name="crm-analytics-savings"),
]
