from django.urls import path

from . import views

urlpatterns = [
    path("auth/token/", views.AuthTokenApi.as_view(), name="auth-token"),
    path("me/", views.MeApi.as_view(), name="me"),
]
