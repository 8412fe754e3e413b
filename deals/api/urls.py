"""The orders API: ``/api/orders/...``."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("orders/", v.OrderListApi.as_view(), name="orders"),
    path("orders/<int:order_id>/", v.OrderDetailApi.as_view(), name="order"),
    path("orders/<int:order_id>/moves/", v.OrderMoveApi.as_view(), name="order-move"),
    path(
        "orders/<int:order_id>/documents/",
        v.OrderDocumentsApi.as_view(),
        name="order-documents",
    ),
    path(
        "orders/<int:order_id>/documents/<int:document_id>/file/",
        v.OrderDocumentFileApi.as_view(),
        name="order-document-file",
    ),
]
