from django.urls import path

from . import views

urlpatterns = [
    path(
        "companies/<int:company_id>/webhooks/",
        views.CompanyEndpointsApi.as_view(),
        name="webhook-list",
    ),
    path("webhooks/<int:endpoint_id>/", views.EndpointApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:endpoint_id>/rotate-secret/",
        views.RotateSecretApi.as_view(),
        name="webhook-rotate",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/",
        views.DeliveriesApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhook-deliveries/<int:delivery_id>/replay/",
        views.ReplayApi.as_view(),
        name="webhook-replay",
    ),
]
