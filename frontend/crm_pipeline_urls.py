"""The CRM's pipeline, opportunity, lead, analytics and document pages (included by
frontend/urls.py, in the frontend namespace): ``/crm/<workspace_id>/...``."""

from django.urls import path

from . import crm_analytics_views as analytics
from . import crm_document_views as docs
from . import crm_lead_views as leads
from . import crm_pipeline_settings_views as settings
from . import crm_pipeline_views as views

W = "crm/<int:workspace_id>/"
P = W + "pipeline/<int:pipeline_id>/"
OPP = W + "opportunities/<int:opportunity_id>/"
L = W + "leads/<int:lead_id>/"
D = W + "documents/templates/<int:template_id>/"

urlpatterns: list = [
    # The board (the first pipeline's, or one), and the settings of pipelines and targets.
    path(W + "pipeline/", views.pipeline_home, name="crm-pipeline"),
    path(P, views.board, name="crm-board"),
    path(W + "pipeline/settings/", settings.pipeline_settings, name="crm-pipeline-settings"),
    path(P + "settings/", settings.pipeline_settings_one, name="crm-pipeline-settings-one"),
    path(P + "settings/rename/", settings.pipeline_rename_page, name="crm-pipeline-rename"),
    path(P + "settings/delete/", settings.pipeline_delete_page, name="crm-pipeline-delete"),
    path(P + "stages/new/", settings.stage_add_page, name="crm-stage-add"),
    path(P + "stages/<int:stage_id>/", settings.stage_update_page, name="crm-stage-update"),
    path(P + "stages/<int:stage_id>/delete/", settings.stage_delete_page, name="crm-stage-delete"),
    path(P + "stages/<int:stage_id>/shift/", settings.stage_shift_page, name="crm-stage-shift"),
    path(W + "pipeline/targets/", settings.target_list_page, name="crm-targets"),
    path(W + "pipeline/targets/<int:target_id>/", settings.target_edit_page, name="crm-target"),
    path(
        W + "pipeline/targets/<int:target_id>/delete/",
        settings.target_delete_page,
        name="crm-target-delete",
    ),
    # Opportunities.
    path(W + "opportunities/", views.opportunity_list_page, name="crm-opportunities"),
    path(W + "opportunities/new/", views.opportunity_create_page, name="crm-opportunity-create"),
    path(OPP, views.opportunity_detail, name="crm-opportunity"),
    path(OPP + "edit/", views.opportunity_edit_page, name="crm-opportunity-edit"),
    path(OPP + "move/", views.opportunity_move_page, name="crm-opportunity-move"),
    path(OPP + "delete/", views.opportunity_delete_page, name="crm-opportunity-delete"),
    # Leads and the website form.
    path(W + "leads/", leads.lead_list_page, name="crm-leads"),
    path(W + "leads/new/", leads.lead_create_page, name="crm-lead-create"),
    path(W + "leads/website-form/", leads.lead_web_form_page, name="crm-lead-web-form"),
    path(L, leads.lead_detail, name="crm-lead"),
    path(L + "edit/", leads.lead_edit_page, name="crm-lead-edit"),
    path(L + "qualify/", leads.lead_qualify_page, name="crm-lead-qualify"),
    path(L + "disqualify/", leads.lead_disqualify_page, name="crm-lead-disqualify"),
    path(L + "convert/", leads.lead_convert_page, name="crm-lead-convert"),
    path(L + "delete/", leads.lead_delete_page, name="crm-lead-delete"),
    # Forecast and analytics, each table with its CSV/XLSX export.
    path(W + "analytics/", analytics.analytics_page, name="crm-analytics"),
    path(W + "analytics/<slug:report>/", analytics.analytics_page, name="crm-analytics-report"),
    path(
        W + "analytics/<slug:report>/export/<slug:file_format>/",
        analytics.analytics_export,
        name="crm-analytics-export",
    ),
    # Documents: those made, making one, templates and their versions, placeholders.
    path(W + "documents/", docs.document_list_page, name="crm-documents"),
    path(W + "documents/new/", docs.document_create_page, name="crm-document-create"),
    path(
        W + "documents/<int:document_id>/download/",
        docs.document_download,
        name="crm-document-download",
    ),
    path(W + "documents/templates/", docs.template_list_page, name="crm-document-templates"),
    path(W + "documents/placeholders/", docs.placeholder_list_page, name="crm-placeholders"),
    path(D, docs.template_detail, name="crm-document-template"),
    path(D + "change/", docs.template_change_page, name="crm-document-template-change"),
    path(D + "active/", docs.template_active_page, name="crm-document-template-active"),
    path(D + "versions/", docs.version_add_page, name="crm-document-version-add"),
    path(
        D + "versions/<int:version_id>/preview/<slug:file_format>/",
        docs.version_preview_page,
        name="crm-document-version-preview",
    ),
    path(
        D + "versions/<int:version_id>/docx/",
        docs.version_docx_page,
        name="crm-document-version-docx",
    ),
]
