from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read/", views.NotificationReadApi.as_view(), name="notification-read"),
    path(
        "notifications/preferences/",
        views.PreferenceApi.as_view(),
        name="notification-preferences",
    ),
    path("tender-subscriptions/", views.SubscriptionListApi.as_view(), name="subscription-list"),
    path(
        "tender-subscriptions/<int:subscription_id>/",
        views.SubscriptionDetailApi.as_view(),
        name="subscription-detail",
    ),
]
