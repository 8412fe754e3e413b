from django.urls import path

from . import views

urlpatterns = [
    path("buyers/", views.BuyerListApi.as_view(), name="buyer-list"),
    path("buyers/<int:company_id>/", views.BuyerProfileApi.as_view(), name="buyer-profile"),
]
