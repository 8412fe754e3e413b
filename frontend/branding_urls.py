"""White-label platforms: the brand editor and the generated stylesheet (included by frontend/urls.py)."""

from django.urls import path

from . import branding_views

urlpatterns = [
    path("brand.css", branding_views.brand_stylesheet, name="brand-css"),
    path("brand/<int:brand_id>/logo/", branding_views.brand_logo_file, name="brand-logo"),
    path("participation-terms/", branding_views.brand_terms, name="brand-terms"),
    path("platforms/<int:platform_id>/brand/", branding_views.brand_edit, name="platform-brand"),
    path(
        "platforms/<int:platform_id>/brand/logo/",
        branding_views.brand_logo,
        name="platform-brand-logo",
    ),
]
