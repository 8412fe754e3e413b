"""The approval chains' pages (included by ``tender_urls``, in the frontend namespace)."""

from django.urls import path

from . import approval_views as views

urlpatterns = [
    path("approvals/", views.approval_queue, name="approvals-queue"),
    path("approvals/rules/", views.approval_rules, name="approval-rules"),
    path("approvals/rules/new/", views.approval_rule_create, name="approval-rule-create"),
    path(
        "approvals/rules/<int:rule_id>/edit/", views.approval_rule_edit, name="approval-rule-edit"
    ),
    path(
        "approvals/rules/<int:rule_id>/delete/",
        views.approval_rule_delete,
        name="approval-rule-delete",
    ),
    path("approvals/<int:request_id>/", views.approval_request, name="approval-request"),
    path(
        "approvals/<int:request_id>/withdraw/",
        views.approval_withdraw,
        name="approval-withdraw",
    ),
    path("tenders/<int:tender_id>/approval/", views.tender_approval, name="tender-approval"),
]
