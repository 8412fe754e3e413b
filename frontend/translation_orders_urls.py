"""The translation orders pages (included by frontend/urls.py): my orders and my translator's
queue, ordering, an order and its steps, its private downloads, and a platform's translators
and rates."""

from django.urls import path

from . import translation_order_views as views

urlpatterns = [
    path("translations/", views.order_index, name="translation-orders"),
    path("translations/new/", views.order_new, name="translation-order-new"),
    path("translations/<int:order_id>/", views.order_page, name="translation-order"),
    path(
        "translations/<int:order_id>/documents/<int:document_id>/",
        views.document_download,
        name="translation-order-document",
    ),
    path(
        "translations/<int:order_id>/files/<int:file_id>/",
        views.file_download,
        name="translation-order-file",
    ),
    path(
        "translations/<int:order_id>/<slug:action>/",
        views.order_step,
        name="translation-order-step",
    ),
    path(
        "translations/platforms/<int:platform_id>/",
        views.platform_page,
        name="translation-platform",
    ),
    path(
        "translations/platforms/<int:platform_id>/translators/",
        views.translator_grant,
        name="translation-platform-grant",
    ),
    path(
        "translations/platforms/<int:platform_id>/translators/<int:user_id>/revoke/",
        views.translator_revoke,
        name="translation-platform-revoke",
    ),
    path(
        "translations/platforms/<int:platform_id>/rates/",
        views.rate_set,
        name="translation-platform-rate",
    ),
    path(
        "translations/platforms/<int:platform_id>/rates/<int:rate_id>/delete/",
        views.rate_delete,
        name="translation-platform-rate-delete",
    ),
]
