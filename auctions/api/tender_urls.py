from django.urls import path

from . import tender_views as views

urlpatterns = [
    path("tenders/", views.TenderListCreateApi.as_view(), name="tender-list"),
    path("tenders/<int:tender_id>/", views.TenderDetailApi.as_view(), name="tender-detail"),
    path(
        "tenders/<int:tender_id>/publish/",
        views.TenderPublishApi.as_view(),
        name="tender-publish",
    ),
    path("tenders/<int:tender_id>/cancel/", views.TenderCancelApi.as_view(), name="tender-cancel"),
    path(
        "tenders/<int:tender_id>/lots/",
        views.TenderLotListCreateApi.as_view(),
        name="tender-lot-list",
    ),
    path(
        "tenders/<int:tender_id>/documents/",
        views.TenderDocumentListUploadApi.as_view(),
        name="tender-document-list",
    ),
    path(
        "tenders/<int:tender_id>/documents/<int:document_id>/",
        views.TenderDocumentDetailApi.as_view(),
        name="tender-document-detail",
    ),
    path(
        "tenders/<int:tender_id>/invitations/",
        views.TenderInvitationListCreateApi.as_view(),
        name="tender-invitation-list",
    ),
    path(
        "tenders/<int:tender_id>/invitations/<int:invitation_id>/",
        views.TenderInvitationRemoveApi.as_view(),
        name="tender-invitation-detail",
    ),
    path(
        "tenders/<int:tender_id>/questions/",
        views.TenderQuestionListAskApi.as_view(),
        name="tender-question-list",
    ),
    path("lots/<int:lot_id>/", views.LotDetailApi.as_view(), name="lot-detail"),
    path("lots/<int:lot_id>/cancel/", views.LotCancelApi.as_view(), name="lot-cancel"),
    path(
        "lots/<int:lot_id>/applications/",
        views.LotApplicationListCreateApi.as_view(),
        name="lot-application-list",
    ),
    path(
        "lots/<int:lot_id>/close-applications/",
        views.LotCloseApplicationsApi.as_view(),
        name="lot-close-applications",
    ),
    path("lots/<int:lot_id>/schedule/", views.LotScheduleApi.as_view(), name="lot-schedule"),
    path("applications/", views.ApplicationListApi.as_view(), name="application-list"),
    path(
        "applications/<int:application_id>/",
        views.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<int:application_id>/admit/",
        views.ApplicationAdmitApi.as_view(),
        name="application-admit",
    ),
    path(
        "applications/<int:application_id>/reject/",
        views.ApplicationRejectApi.as_view(),
        name="application-reject",
    ),
    path(
        "applications/<int:application_id>/withdraw/",
        views.ApplicationWithdrawApi.as_view(),
        name="application-withdraw",
    ),
    path(
        "questions/<int:question_id>/answer/",
        views.QuestionAnswerApi.as_view(),
        name="question-answer",
    ),
]
