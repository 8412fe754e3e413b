"""The platform admin's bank reconciliation pages (included by frontend/urls.py, in the
frontend namespace)."""

from django.urls import path

from . import banking_views as views

urlpatterns = [
    # GET: the statements and the upload form; POST: upload a statement.
    path("platforms/bank/", views.bank_statements, name="bank-statements"),
    path("platforms/bank/<int:statement_id>/", views.bank_statement, name="bank-statement"),
    # POST: a line confirmed as an invoice's payment, or set aside as not ours.
    path(
        "platforms/bank/lines/<int:line_id>/confirm/",
        views.bank_line_confirm,
        name="bank-line-confirm",
    ),
    path(
        "platforms/bank/lines/<int:line_id>/ignore/",
        views.bank_line_ignore,
        name="bank-line-ignore",
    ),
]
