from django.urls import path

from . import views

urlpatterns = [
    path("planning/plans/", views.PlanListApi.as_view(), name="planning-plans"),
    path("planning/plans/<int:plan_id>/", views.PlanDetailApi.as_view(), name="planning-plan"),
    path(
        "planning/plans/<int:plan_id>/publish/",
        views.PlanPublishApi.as_view(),
        name="planning-plan-publish",
    ),
    path(
        "planning/plans/<int:plan_id>/lines/",
        views.LineListApi.as_view(),
        name="planning-lines",
    ),
    path(
        "planning/plans/<int:plan_id>/lines/<int:line_id>/",
        views.LineDetailApi.as_view(),
        name="planning-line",
    ),
    path(
        "planning/plans/<int:plan_id>/lines/<int:line_id>/tenders/",
        views.LineTendersApi.as_view(),
        name="planning-line-tenders",
    ),
    path(
        "planning/plans/<int:plan_id>/lines/<int:line_id>/tenders/<int:link_id>/",
        views.LineTenderApi.as_view(),
        name="planning-line-tender",
    ),
    path("planning/plans/<int:plan_id>/fact/", views.PlanFactApi.as_view(), name="planning-fact"),
    path(
        "planning/plans/<int:plan_id>/fact.csv",
        views.PlanFactCsvApi.as_view(),
        name="planning-fact-csv",
    ),
]
