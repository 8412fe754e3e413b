"""The approval chains' routes (included by ``auctions.api.urls``)."""

from django.urls import path

from . import approval_views as views

urlpatterns = [
    path("approval-rules/", views.RuleListApi.as_view(), name="approval-rules"),
    path("approval-rules/<int:rule_id>/", views.RuleDetailApi.as_view(), name="approval-rule"),
    path(
        "tenders/<int:tender_id>/approval/",
        views.TenderApprovalApi.as_view(),
        name="tender-approval",
    ),
    path(
        "tenders/<int:tender_id>/approval/request/",
        views.TenderApprovalAskApi.as_view(),
        name="tender-approval-request",
    ),
    path(
        "tenders/<int:tender_id>/history/",
        views.TenderHistoryApi.as_view(),
        name="tender-history",
    ),
    path("approvals/", views.ApprovalQueueApi.as_view(), name="approval-queue"),
    path(
        "approvals/<int:request_id>/",
        views.ApprovalRequestApi.as_view(),
        name="approval-request",
    ),
    path(
        "approvals/<int:request_id>/decide/",
        views.ApprovalDecideApi.as_view(),
        name="approval-decide",
    ),
    path(
        "approvals/<int:request_id>/withdraw/",
        views.ApprovalWithdrawApi.as_view(),
        name="approval-withdraw",
    ),
]
