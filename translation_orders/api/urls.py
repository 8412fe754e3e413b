"""The translation orders REST API (included under /api/ by marketplace/urls.py)."""

from django.urls import path

from . import views

ORDER = "translation-orders/<int:order_id>/"
PLATFORM = "translation-platforms/<int:platform_id>/"

urlpatterns = [
    path("translation-orders/", views.OrderListApi.as_view(), name="translation-orders"),
    path(
        "translation-orders/sources/",
        views.SourcesApi.as_view(),
        name="translation-order-sources",
    ),
    path(ORDER, views.OrderDetailApi.as_view(), name="translation-order"),
    path(ORDER + "take/", views.TakeApi.as_view(), name="translation-order-take"),
    path(ORDER + "quote/", views.QuoteApi.as_view(), name="translation-order-quote"),
    path(
        ORDER + "accept-quote/",
        views.AcceptQuoteApi.as_view(),
        name="translation-order-accept-quote",
    ),
    path(
        ORDER + "decline-quote/",
        views.DeclineQuoteApi.as_view(),
        name="translation-order-decline-quote",
    ),
    path(ORDER + "cancel/", views.CancelApi.as_view(), name="translation-order-cancel"),
    path(ORDER + "deliver/", views.DeliverApi.as_view(), name="translation-order-deliver"),
    path(ORDER + "send-back/", views.SendBackApi.as_view(), name="translation-order-send-back"),
    path(
        ORDER + "accept-delivery/",
        views.AcceptDeliveryApi.as_view(),
        name="translation-order-accept-delivery",
    ),
    path(
        ORDER + "documents/<int:document_id>/file/",
        views.DocumentFileApi.as_view(),
        name="translation-order-document",
    ),
    path(
        ORDER + "files/<int:file_id>/file/",
        views.DeliveredFileApi.as_view(),
        name="translation-order-file",
    ),
    path(
        PLATFORM + "translators/", views.TranslatorListApi.as_view(), name="translation-translators"
    ),
    path(
        PLATFORM + "translators/<int:user_id>/",
        views.TranslatorApi.as_view(),
        name="translation-translator",
    ),
    path(PLATFORM + "rates/", views.RateListApi.as_view(), name="translation-rates"),
    path(PLATFORM + "rates/<int:rate_id>/", views.RateApi.as_view(), name="translation-rate"),
]
