"""The payments' routes that are not DRF views: Stripe's webhook (``/api/payments/...``)."""

from django.urls import path

from ..payments.webhooks import stripe_webhook

urlpatterns = [
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
]
