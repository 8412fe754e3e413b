"""Notification pages (included by frontend/urls.py, in the frontend namespace)."""

from django.urls import path

from . import notification_views as views

urlpatterns: list = [
    # My notifications, and marking them read (the bell in the top bar links here).
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications-read-all"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    # How I am told of each kind (the e-mails' footer links here).
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    # My companies' tender subscriptions.
    path("notifications/subscriptions/", views.subscription_list_page, name="subscriptions"),
    path(
        "notifications/subscriptions/<int:subscription_id>/",
        views.subscription_edit_page,
        name="subscription-edit",
    ),
    path(
        "notifications/subscriptions/<int:subscription_id>/active/",
        views.subscription_active_page,
        name="subscription-active",
    ),
    path(
        "notifications/subscriptions/<int:subscription_id>/delete/",
        views.subscription_delete_page,
        name="subscription-delete",
    ),
]
