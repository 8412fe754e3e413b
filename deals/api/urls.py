"""The orders API: ``/api/orders/...``."""

from django.urls import include, path

from . import payments_views as p
from . import views as v

urlpatterns = [
    path("payments/invoices/", p.InvoiceListApi.as_view(), name="invoices"),
    path("payments/invoices/<int:invoice_id>/", p.InvoiceDetailApi.as_view(), name="invoice"),
    path("payments/invoices/<int:invoice_id>/pay/", p.InvoicePayApi.as_view(), name="invoice-pay"),
    path(
        "payments/invoices/<int:invoice_id>/mark-paid/",
        p.InvoiceMarkPaidApi.as_view(),
        name="invoice-mark-paid",
    ),
    path(
        "payments/invoices/<int:invoice_id>/refund/",
        p.InvoiceRefundApi.as_view(),
        name="invoice-refund",
    ),
    path("payments/ledger/<int:company_id>/", p.LedgerApi.as_view(), name="ledger"),
    path("payments/securities/", p.SecurityListApi.as_view(), name="securities"),
    path("payments/securities/card/", p.SecurityCardApi.as_view(), name="security-card"),
    path(
        "payments/securities/guarantee/",
        p.SecurityGuaranteeApi.as_view(),
        name="security-guarantee",
    ),
    path(
        "payments/securities/<int:security_id>/decision/",
        p.SecurityDecisionApi.as_view(),
        name="security-decision",
    ),
    path(
        "payments/securities/<int:security_id>/document/",
        p.SecurityDocumentApi.as_view(),
        name="security-document",
    ),
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
    path("", include("deals.api.payments_urls")),
]
