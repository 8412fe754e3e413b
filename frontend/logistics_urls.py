"""The logistics pages (included by frontend/urls.py, in the frontend namespace): the index, the
shipping calculator and its city suggestions, the places, the carriers with their rate cards and
the rate cards' XLSX import."""

from django.urls import path

from . import logistics_card_views as cards
from . import logistics_views as views

urlpatterns = [
    path("logistics/", views.logistics_index, name="logistics"),
    # GET: the form; with its fields, the quote (a quote writes nothing).
    path("logistics/calculator/", views.calculator, name="logistics-calculator"),
    # GET ?q=: the gazetteer's cities as <option>s for a city box's suggestions.
    path("logistics/cities/", views.city_options, name="logistics-cities"),
    path("logistics/places/", views.place_list_page, name="logistics-places"),
    path("logistics/places/new/", views.place_create_page, name="logistics-place-create"),
    # GET: the place (its form for its keepers); POST: change it.
    path("logistics/places/<int:place_id>/", views.place_page, name="logistics-place"),
    path(
        "logistics/places/<int:place_id>/delete/",
        views.place_delete_page,
        name="logistics-place-delete",
    ),
    path("logistics/carriers/", cards.carrier_list_page, name="logistics-carriers"),
    path("logistics/carriers/new/", cards.carrier_create_page, name="logistics-carrier-create"),
    # GET: the carrier and its rate cards; POST: rename it, switch it off or on.
    path("logistics/carriers/<int:carrier_id>/", cards.carrier_page, name="logistics-carrier"),
    path(
        "logistics/carriers/<int:carrier_id>/delete/",
        cards.carrier_delete_page,
        name="logistics-carrier-delete",
    ),
    path(
        "logistics/carriers/<int:carrier_id>/cards/new/",
        cards.card_create_page,
        name="logistics-card-create",
    ),
    # A new card from an XLSX file (its terms typed, its bands the file's rows).
    path(
        "logistics/carriers/<int:carrier_id>/cards/import/",
        cards.carrier_import_page,
        name="logistics-carrier-import",
    ),
    # GET: the card and its bands (the editable table for its keepers); POST: change them.
    path("logistics/cards/<int:card_id>/", cards.card_page, name="logistics-card"),
    path(
        "logistics/cards/<int:card_id>/delete/",
        cards.card_delete_page,
        name="logistics-card-delete",
    ),
    # POST: check a file (action=check) or replace the card's bands with it (action=import).
    path(
        "logistics/cards/<int:card_id>/import/",
        cards.card_import_page,
        name="logistics-card-import",
    ),
    path("logistics/rate-card-template.xlsx", cards.card_template, name="logistics-template"),
]
