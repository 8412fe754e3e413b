from django.urls import path

from . import views

urlpatterns = [
    path("search/tenders/", views.TenderSearchApi.as_view(), name="search-tenders"),
    path("search/suppliers/", views.SupplierSearchApi.as_view(), name="search-suppliers"),
    path("search/products/", views.ProductSearchApi.as_view(), name="search-products"),
    path("search/suggest/", views.SuggestApi.as_view(), name="search-suggest"),
]
