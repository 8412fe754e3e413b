from django.urls import path

from . import views

urlpatterns = [
    path("categories/", views.CategoryListApi.as_view(), name="category-list"),
    path(
        "categories/<int:category_id>/",
        views.CategoryDetailApi.as_view(),
        name="category-detail",
    ),
]
