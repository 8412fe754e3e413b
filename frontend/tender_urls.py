"""Pages of this area (included by frontend/urls.py, in the frontend namespace): the procurement
officer's tender pages (``tender_views``, ``tender_publish_views``) and the supplier's apply and
ask forms (``tender_apply_views``)."""

from django.urls import include, path

from . import award_views, landed_views
from . import tender_apply_views as apply_views
from . import tender_publish_views as publish_views
from . import tender_views as views

urlpatterns: list = [
    path("", include("frontend.approval_urls")),  # approval chains of tenders
    path("", include("frontend.tender_language_urls")),  # the tender in other languages
    # A supplier's delivery cost to a lot ranked by landed cost (the warehouse it ships from).
    path(
        "applications/<int:application_id>/delivery/",
        landed_views.application_delivery,
        name="application-delivery",
    ),
    # The buyer's managers.
    path("tenders/new/", views.tender_create, name="tender-create"),
    path("tenders/lots-template.xlsx", views.lots_import_template, name="lots-template"),
    path("tenders/<int:tender_id>/manage/", views.tender_manage, name="tender-manage"),
    path(
        "tenders/<int:tender_id>/award-scenarios/",
        award_views.award_scenarios,
        name="tender-award-scenarios",
    ),
    path("tenders/<int:tender_id>/edit/", views.tender_edit, name="tender-edit"),
    path("tenders/<int:tender_id>/publish/", publish_views.tender_publish, name="tender-publish"),
    path("tenders/<int:tender_id>/cancel/", views.tender_cancel, name="tender-cancel"),
    path("tenders/<int:tender_id>/delete/", views.tender_delete, name="tender-delete"),
    path("tenders/<int:tender_id>/lots/new/", views.lot_create, name="lot-create"),
    path("tenders/<int:tender_id>/lots/import/", views.lots_import, name="lots-import"),
    path("lots/<int:lot_id>/edit/", views.lot_edit, name="lot-edit"),
    path("lots/<int:lot_id>/delete/", views.lot_delete, name="lot-delete"),
    path(
        "lots/<int:lot_id>/close-applications/",
        views.lot_close_applications,
        name="lot-close-applications",
    ),
    path("lots/<int:lot_id>/schedule/", views.lot_schedule, name="lot-schedule"),
    path("tenders/<int:tender_id>/documents/", views.document_upload, name="document-upload"),
    path(
        "tenders/<int:tender_id>/documents/<int:document_id>/",
        views.document_download,
        name="document",
    ),
    path(
        "tenders/<int:tender_id>/documents/<int:document_id>/delete/",
        views.document_delete,
        name="document-delete",
    ),
    path("tenders/<int:tender_id>/invitations/", views.invitation_create, name="invitation-create"),
    path(
        "tenders/<int:tender_id>/invitations/<int:invitation_id>/delete/",
        views.invitation_remove,
        name="invitation-remove",
    ),
    path(
        "applications/<int:application_id>/admit/",
        views.application_admit,
        name="application-admit",
    ),
    path(
        "applications/<int:application_id>/reject/",
        views.application_reject,
        name="application-reject",
    ),
    path("questions/<int:question_id>/answer/", views.question_answer, name="question-answer"),
    # Suppliers.
    path("lots/<int:lot_id>/apply/", apply_views.lot_apply, name="lot-apply"),
    path(
        "applications/<int:application_id>/withdraw/",
        apply_views.application_withdraw,
        name="application-withdraw",
    ),
    path("tenders/<int:tender_id>/questions/", apply_views.question_ask, name="question-ask"),
]
