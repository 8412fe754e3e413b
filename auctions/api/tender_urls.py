from django.urls import path

from . import (
    application_views,
    document_views,
    invitation_views,
    lot_views,
    question_views,
    tender_views,
    version_views,
)

urlpatterns = [
    path("tenders/", tender_views.TenderListCreateApi.as_view(), name="tender-list"),
    path("tenders/<int:tender_id>/", tender_views.TenderDetailApi.as_view(), name="tender-detail"),
    path(
        "tenders/<int:tender_id>/publish/",
        tender_views.TenderPublishApi.as_view(),
        name="tender-publish",
    ),
    path(
        "tenders/<int:tender_id>/cancel/",
        tender_views.TenderCancelApi.as_view(),
        name="tender-cancel",
    ),
    path(
        "tenders/<int:tender_id>/lots/",
        lot_views.TenderLotListCreateApi.as_view(),
        name="tender-lot-list",
    ),
    path(
        "tenders/<int:tender_id>/documents/",
        document_views.TenderDocumentListUploadApi.as_view(),
        name="tender-document-list",
    ),
    path(
        "tenders/<int:tender_id>/documents/<int:document_id>/",
        document_views.TenderDocumentDetailApi.as_view(),
        name="tender-document-detail",
    ),
    path(
        "tenders/<int:tender_id>/invitations/",
        invitation_views.TenderInvitationListCreateApi.as_view(),
        name="tender-invitation-list",
    ),
    path(
        "tenders/<int:tender_id>/invitations/<int:invitation_id>/",
        invitation_views.TenderInvitationRemoveApi.as_view(),
        name="tender-invitation-detail",
    ),
    path(
        "tenders/<int:tender_id>/questions/",
        question_views.TenderQuestionListAskApi.as_view(),
        name="tender-question-list",
    ),
    # The tender in several languages (docs/api/tender-languages.md).
    path(
        "tenders/<int:tender_id>/text/", version_views.TenderTextApi.as_view(), name="tender-text"
    ),
    path(
        "tenders/<int:tender_id>/versions/",
        version_views.TenderVersionListApi.as_view(),
        name="tender-version-list",
    ),
    path(
        "tenders/<int:tender_id>/versions/machine/",
        version_views.TenderVersionMachineApi.as_view(),
        name="tender-version-machine",
    ),
    path(
        "tenders/<int:tender_id>/versions/<str:language>/",
        version_views.TenderVersionDetailApi.as_view(),
        name="tender-version-detail",
    ),
    path(
        "tenders/<int:tender_id>/documents/<int:document_id>/translation/",
        version_views.TenderDocumentTranslationApi.as_view(),
        name="tender-document-translation",
    ),
    path("lots/<int:lot_id>/", lot_views.LotDetailApi.as_view(), name="lot-detail"),
    path("lots/<int:lot_id>/cancel/", lot_views.LotCancelApi.as_view(), name="lot-cancel"),
    path(
        "lots/<int:lot_id>/applications/",
        application_views.LotApplicationListCreateApi.as_view(),
        name="lot-application-list",
    ),
    path(
        "lots/<int:lot_id>/close-applications/",
        lot_views.LotCloseApplicationsApi.as_view(),
        name="lot-close-applications",
    ),
    path("lots/<int:lot_id>/schedule/", lot_views.LotScheduleApi.as_view(), name="lot-schedule"),
    path("applications/", application_views.ApplicationListApi.as_view(), name="application-list"),
    path(
        "applications/<int:application_id>/",
        application_views.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<int:application_id>/admit/",
        application_views.ApplicationAdmitApi.as_view(),
        name="application-admit",
    ),
    path(
        "applications/<int:application_id>/reject/",
        application_views.ApplicationRejectApi.as_view(),
        name="application-reject",
    ),
    path(
        "applications/<int:application_id>/withdraw/",
        application_views.ApplicationWithdrawApi.as_view(),
        name="application-withdraw",
    ),
    path(
        "questions/<int:question_id>/answer/",
        question_views.QuestionAnswerApi.as_view(),
        name="question-answer",
    ),
]
