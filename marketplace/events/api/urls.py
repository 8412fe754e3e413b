from django.urls import path

from . import views

urlpatterns = [
    path("events/", views.EventFeedApi.as_view(), name="event-feed"),
]
