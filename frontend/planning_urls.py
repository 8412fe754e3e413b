"""The procurement plan pages (included by frontend/urls.py): my plans, a plan with its lines
and their tenders, plan versus fact."""

from django.urls import path

from . import planning_views as views

urlpatterns = [
    path("planning/", views.plan_index, name="planning-plans"),
    path("planning/<int:plan_id>/", views.plan_page, name="planning-plan"),
    path("planning/<int:plan_id>/edit/", views.plan_edit, name="planning-plan-edit"),
    path("planning/<int:plan_id>/publish/", views.plan_publish, name="planning-plan-publish"),
    path("planning/<int:plan_id>/delete/", views.plan_delete, name="planning-plan-delete"),
    path("planning/<int:plan_id>/fact/", views.plan_fact, name="planning-fact"),
    path(
        "planning/<int:plan_id>/lines/<int:line_id>/edit/",
        views.line_edit,
        name="planning-line-edit",
    ),
    path(
        "planning/<int:plan_id>/lines/<int:line_id>/remove/",
        views.line_remove,
        name="planning-line-remove",
    ),
    path(
        "planning/<int:plan_id>/lines/<int:line_id>/link/",
        views.line_link,
        name="planning-line-link",
    ),
    path(
        "planning/<int:plan_id>/lines/<int:line_id>/unlink/<int:link_id>/",
        views.line_unlink,
        name="planning-line-unlink",
    ),
]
