from django.urls import include, path

from . import (
    auction_views,
    calendar_views,
    dashboard_views,
    opendata_views,
    practice_views,
    profile_views,
    signals_views,
    views,
)

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/", dashboard_views.dashboard, name="dashboard"),  # my home after log-in
    path("tenders/<int:tender_id>/", views.tender_page, name="tender"),
    path("auctions/", views.workspace, name="workspace"),
    path("auctions/calendar/", calendar_views.auction_calendar, name="auction-calendar"),
    path(
        "auctions/calendar.ics",
        calendar_views.auction_calendar_ics_file,
        name="auction-calendar-ics",
    ),
    path("lots/<int:lot_id>/", auction_views.lot_room, name="lot-room"),
    path("signals/", signals_views.signals_page, name="signals"),  # collusion signals
    path("lots/<int:lot_id>/results/", opendata_views.lot_results, name="lot-results"),
    path("lots/<int:lot_id>/practice/", practice_views.practice_start, name="practice-start"),
    path("practice/<int:session_id>/", practice_views.practice_page, name="practice"),
    path("invitations/accept/", views.invitation_accept_page, name="invitation-accept"),
    path("profile/", profile_views.profile_page, name="profile"),
    # Onboarding (companies, colleagues, verification) and the platform admin's pages.
    path("", include("frontend.onboarding_urls")),
    # The procurement officer's tender pages and the supplier's apply and ask pages.
    path("", include("frontend.tender_urls")),
    # Notifications, how I am told of them, and tender subscriptions.
    path("", include("frontend.notification_urls")),
    # The CRM: accounts, contacts, activities and imports; the pipeline, leads, analytics and
    # documents.
    path("", include("frontend.crm_urls")),
    path("", include("frontend.crm_pipeline_urls")),
    # Orders after the award: the buyer's and the supplier's, one order and its moves.
    path("", include("frontend.orders_urls")),
    path("", include("frontend.shipment_urls")),  # shipments, acceptance, public tracking
    path("", include("frontend.security_urls")),  # bid security: the supplier's, the buyer's
    path("", include("frontend.marketing_urls")),  # segments, campaigns and their results
    path("", include("frontend.servicedesk_urls")),  # cases, queues, SLAs, the customer's view
    path("", include("frontend.automation_urls")),  # automation rules and their runs
    path("", include("frontend.pricing_urls")),  # price lists per kind of customer
    path("", include("frontend.translation_orders_urls")),  # human translation on order
    path("", include("frontend.branding_urls")),  # white-label brands, their stylesheet
    path("", include("frontend.banking_urls")),  # bank statements reconciled by platform admins
    path("", include("frontend.ratings_urls")),  # supplier ratings: scorecards, reviews
    # Logistics: the shipping calculator, places, carriers and their rate cards.
    path("", include("frontend.logistics_urls")),
    # Suppliers: "My catalogue" (profile, certificates, products, price lists) and the public
    # supplier profile.
    path("", include("frontend.supplier_urls")),
    # The supplier directory and the catalogue across suppliers (search).
    path("", include("frontend.search_urls")),
    # Attracting suppliers: the buyer's shortlists, inviting suppliers to a tender, the funnels.
    path("", include("frontend.sourcing_urls")),
    path("", include("frontend.planning_urls")),  # procurement plans, plan versus fact
]
