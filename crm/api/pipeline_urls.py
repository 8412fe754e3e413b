"""The CRM API's pipeline routes: pipelines and stages, the board, opportunities, leads (and
the website's public lead form), sales targets."""

from django.urls import path

from . import pipeline_views as v

urlpatterns = [
    path("pipelines/", v.PipelineListApi.as_view(), name="crm-pipelines"),
    path("pipelines/<int:pipeline_id>/", v.PipelineDetailApi.as_view(), name="crm-pipeline"),
    path("pipelines/<int:pipeline_id>/board/", v.BoardApi.as_view(), name="crm-pipeline-board"),
    path("pipelines/<int:pipeline_id>/stages/", v.StageCreateApi.as_view(), name="crm-stages"),
    path(
        "pipelines/<int:pipeline_id>/stages/order/",
        v.StagesOrderApi.as_view(),
        name="crm-stages-order",
    ),
    path(
        "pipelines/<int:pipeline_id>/stages/<int:stage_id>/",
        v.StageDetailApi.as_view(),
        name="crm-stage",
    ),
    path("opportunities/", v.OpportunityListApi.as_view(), name="crm-opportunities"),
    path(
        "opportunities/<int:opportunity_id>/",
        v.OpportunityDetailApi.as_view(),
        name="crm-opportunity",
    ),
    path(
        "opportunities/<int:opportunity_id>/move/",
        v.OpportunityMoveApi.as_view(),
        name="crm-opportunity-move",
    ),
    path(
        "opportunities/<int:opportunity_id>/history/",
        v.OpportunityHistoryApi.as_view(),
        name="crm-opportunity-history",
    ),
    path("leads/", v.LeadListApi.as_view(), name="crm-leads"),
    path("leads/form-token/", v.LeadFormTokenApi.as_view(), name="crm-lead-form-token"),
    path("leads/<int:lead_id>/", v.LeadDetailApi.as_view(), name="crm-lead"),
    path("leads/<int:lead_id>/qualify/", v.LeadQualifyApi.as_view(), name="crm-lead-qualify"),
    path(
        "leads/<int:lead_id>/disqualify/",
        v.LeadDisqualifyApi.as_view(),
        name="crm-lead-disqualify",
    ),
    path("leads/<int:lead_id>/convert/", v.LeadConvertApi.as_view(), name="crm-lead-convert"),
    path("lead-form/<str:token>/", v.LeadFormApi.as_view(), name="crm-lead-form"),
    path("targets/", v.TargetListApi.as_view(), name="crm-targets"),
    path("targets/<int:target_id>/", v.TargetDetailApi.as_view(), name="crm-target"),
]
