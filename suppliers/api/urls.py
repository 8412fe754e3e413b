from django.urls import path

from . import stock_views, views

base = "suppliers/<int:company_id>/"
price_list = base + "price-lists/<int:price_list_id>/"

urlpatterns = [
    path("suppliers/", views.SupplierDirectoryApi.as_view(), name="supplier-directory"),
    path(base, views.SupplierProfileApi.as_view(), name="supplier-profile"),
    path(base + "certificates/", views.CertificateListApi.as_view(), name="supplier-certificates"),
    path(
        base + "certificates/<int:certificate_id>/",
        views.CertificateDetailApi.as_view(),
        name="supplier-certificate",
    ),
    path(
        base + "certificates/<int:certificate_id>/file/",
        views.CertificateFileApi.as_view(),
        name="supplier-certificate-file",
    ),
    path(base + "products/", views.ProductListApi.as_view(), name="supplier-products"),
    path(
        base + "products/<int:product_id>/",
        views.ProductDetailApi.as_view(),
        name="supplier-product",
    ),
    path(base + "price-lists/", views.PriceListListApi.as_view(), name="supplier-price-lists"),
    path(price_list, views.PriceListDetailApi.as_view(), name="supplier-price-list"),
    path(
        price_list + "items/",
        views.PriceListItemListApi.as_view(),
        name="supplier-price-list-items",
    ),
    path(
        price_list + "items/<int:item_id>/",
        views.PriceListItemDetailApi.as_view(),
        name="supplier-price-list-item",
    ),
    path(
        price_list + "import/",
        views.PriceListImportApi.as_view(),
        name="supplier-price-list-import",
    ),
    path(
        price_list + "export/",
        views.PriceListExportApi.as_view(),
        name="supplier-price-list-export",
    ),
    path(base + "warehouses/", stock_views.WarehouseListApi.as_view(), name="supplier-warehouses"),
    path(
        base + "warehouses/<int:warehouse_id>/",
        stock_views.WarehouseDetailApi.as_view(),
        name="supplier-warehouse",
    ),
    path(base + "stock/", stock_views.StockListApi.as_view(), name="supplier-stock"),
    path(
        base + "stock/import/", stock_views.StockImportApi.as_view(), name="supplier-stock-import"
    ),
]
