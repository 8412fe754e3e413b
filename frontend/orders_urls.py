"""The orders' pages (included by frontend/urls.py, in the frontend namespace): both sides'
orders, and one order with its documents, history, payment state and moves."""

from django.urls import path

from . import orders_views as views

urlpatterns = [
    path("orders/", views.order_list_page, name="orders"),
    # GET: the order; POST: a move on it (send, accept, decline, ...).
    path("orders/<int:order_id>/", views.order_page, name="order"),
    # POST: start paying one of the order's invoices (the bank details to transfer to).
    path(
        "orders/<int:order_id>/invoices/<int:invoice_id>/pay/",
        views.order_invoice_pay,
        name="order-invoice-pay",
    ),
]
