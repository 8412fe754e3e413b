"""The buyer's pages of a tender in other languages (``tender_language_views``; included by
``frontend/tender_urls.py``, in the frontend namespace)."""

from django.urls import path

from . import tender_language_views as views

urlpatterns = [
    path("tenders/<int:tender_id>/languages/", views.tender_languages, name="tender-languages"),
    path(
        "tenders/<int:tender_id>/languages/machine/",
        views.versions_machine,
        name="tender-versions-machine",
    ),
    path(
        "tenders/<int:tender_id>/languages/<str:language>/",
        views.version_edit,
        name="tender-version-edit",
    ),
    path(
        "tenders/<int:tender_id>/languages/<str:language>/delete/",
        views.version_delete,
        name="tender-version-delete",
    ),
    path(
        "tenders/<int:tender_id>/documents/<int:document_id>/translation/",
        views.document_translation,
        name="tender-document-translation",
    ),
]
