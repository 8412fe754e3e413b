"""The supplier pages (included by frontend/urls.py, in the frontend namespace): "My catalogue"
(``/my-catalogue/...``: a supplier's profile, certificates, products, price lists with their items,
import and export, for its members) and the public supplier profile (``/suppliers/<id>/``)."""

from django.urls import path

from . import supplier_catalogue_views as catalogue
from . import supplier_views as views

own = "my-catalogue/<int:company_id>/"
price_list = own + "price-lists/<int:price_list_id>/"

urlpatterns = [
    path("my-catalogue/", views.catalogue_index, name="supplier-catalogue"),
    # GET ?category_search=: the categories found, as boxes to tick (htmx).
    path("my-catalogue/categories/", views.category_options, name="supplier-category-options"),
    # GET: the profile (its form for its editors); POST: save it, or ``find`` categories.
    path(own, views.profile_edit_page, name="supplier-profile-edit"),
    # GET: the certificates; POST: add one.
    path(own + "certificates/", views.certificate_list_page, name="supplier-certificates"),
    path(
        own + "certificates/<int:certificate_id>/",
        views.certificate_page,
        name="supplier-certificate",
    ),
    path(
        own + "certificates/<int:certificate_id>/delete/",
        views.certificate_delete_page,
        name="supplier-certificate-delete",
    ),
    path(own + "products/", catalogue.product_list_page, name="supplier-products"),
    path(own + "products/new/", catalogue.product_create_page, name="supplier-product-create"),
    path(own + "products/<int:product_id>/", catalogue.product_page, name="supplier-product"),
    path(
        own + "products/<int:product_id>/delete/",
        catalogue.product_delete_page,
        name="supplier-product-delete",
    ),
    path(own + "price-lists/", catalogue.price_list_list_page, name="supplier-price-lists"),
    path(
        own + "price-lists/new/",
        catalogue.price_list_create_page,
        name="supplier-price-list-create",
    ),
    # GET: the price list and its items; POST: change its terms.
    path(price_list, catalogue.price_list_page, name="supplier-price-list"),
    path(
        price_list + "delete/", catalogue.price_list_delete_page, name="supplier-price-list-delete"
    ),
    path(price_list + "items/", catalogue.item_create_page, name="supplier-item-create"),
    path(price_list + "items/<int:item_id>/", catalogue.item_page, name="supplier-item"),
    path(
        price_list + "items/<int:item_id>/delete/",
        catalogue.item_delete_page,
        name="supplier-item-delete",
    ),
    # POST: check a file (action=check) or replace the items with it (action=import).
    path(price_list + "import/", catalogue.price_list_import_page, name="supplier-import"),
    # GET ?file_format=csv|xlsx
    path(price_list + "export/", catalogue.price_list_export_page, name="supplier-export"),
    # The public profile, and a certificate's file for those who may read it.
    path("suppliers/<int:company_id>/", views.supplier_public_page, name="supplier"),
    path(
        "suppliers/<int:company_id>/certificates/<int:certificate_id>/file/",
        views.certificate_file,
        name="supplier-certificate-file",
    ),
]
