"""The orders API: ``/api/orders/...``."""

from django.urls import include, path

from . import banking_views as b
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
    # Bank reconciliation: the platform's statements, their lines matched to invoices.
    path("payments/bank/statements/", b.StatementListApi.as_view(), name="bank-statements"),
    path(
        "payments/bank/statements/<int:statement_id>/",
        b.StatementDetailApi.as_view(),
        name="bank-statement",
    ),
    path(
        "payments/bank/lines/<int:line_id>/confirm/",
        b.LineConfirmApi.as_view(),
        name="bank-line-confirm",
    ),
    path(
        "payments/bank/lines/<int:line_id>/ignore/",
        b.LineIgnoreApi.as_view(),
        name="bank-line-ignore",
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
