from django.urls import path

from . import views

urlpatterns = [
    path("search/tenders/", views.TenderSearchApi.as_view(), name="search-tenders"),
]
