"""The servicedesk REST API (included under /api/ by marketplace/urls.py): the workspace's
staff under ``crm/<workspace id>/cases/`` (so the CRM's canary crawl covers it), the customer
under ``support/``."""

from django.urls import path

from . import views

WS = "crm/<int:workspace_id>/cases/"
CASE = WS + "<int:case_id>/"

urlpatterns = [
    path(WS, views.CaseListApi.as_view(), name="servicedesk-cases"),
    path(WS + "queues/", views.QueueListApi.as_view(), name="servicedesk-queues"),
    path(WS + "policies/", views.PolicyListApi.as_view(), name="servicedesk-policies"),
    path(WS + "mailboxes/", views.MailboxListApi.as_view(), name="servicedesk-mailboxes"),
    path(CASE, views.CaseDetailApi.as_view(), name="servicedesk-case"),
    path(CASE + "status/", views.CaseStatusApi.as_view(), name="servicedesk-case-status"),
    path(CASE + "messages/", views.CaseMessagesApi.as_view(), name="servicedesk-case-messages"),
    path("support/desks/", views.SupportDesksApi.as_view(), name="support-desks"),
    path("support/cases/", views.SupportCaseListApi.as_view(), name="support-cases"),
    path("support/cases/<int:case_id>/", views.SupportCaseDetailApi.as_view(), name="support-case"),
    path(
        "support/cases/<int:case_id>/messages/",
        views.SupportMessageApi.as_view(),
        name="support-case-messages",
    ),
    path(
        "support/cases/<int:case_id>/survey/",
        views.SupportSurveyApi.as_view(),
        name="support-case-survey",
    ),
]
