"""The bid security's pages (included by frontend/urls.py, in the frontend namespace): the
supplier's security for one application, and the buyer's for one lot."""

from django.urls import path

from . import security_views as views

urlpatterns = [
    # The supplier: GET its security (the page, or the tender page's box for htmx).
    path(
        "applications/<int:application_id>/security/",
        views.application_security,
        name="application-security",
    ),
    # POST: upload the bank guarantee.
    path(
        "applications/<int:application_id>/security/guarantee/",
        views.application_security_guarantee,
        name="application-security-guarantee",
    ),
    # POST: start saving a card (the page with Stripe.js's card form).
    path(
        "applications/<int:application_id>/security/card/",
        views.application_security_card,
        name="application-security-card",
    ),
    # The buyer: GET a lot's securities (the page, or the manage page's panel for htmx).
    path("lots/<int:lot_id>/securities/", views.lot_securities, name="lot-securities"),
    # POST: accept a bank guarantee, or reject it with a reason.
    path(
        "securities/<int:security_id>/decision/",
        views.security_decide,
        name="security-decide",
    ),
]
