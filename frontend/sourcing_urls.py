"""The buyer's pages for attracting suppliers (included by frontend/urls.py): shortlists, a
tender's "Invite suppliers" page and the funnels."""

from django.urls import path

from . import sourcing_views as views

urlpatterns = [
    path("sourcing/shortlists/", views.shortlist_index, name="sourcing-shortlists"),
    path("sourcing/shortlists/add/", views.shortlist_add, name="sourcing-shortlist-add"),
    path(
        "sourcing/shortlists/<int:shortlist_id>/",
        views.shortlist_page,
        name="sourcing-shortlist",
    ),
    path(
        "sourcing/shortlists/<int:shortlist_id>/rename/",
        views.shortlist_rename,
        name="sourcing-shortlist-rename",
    ),
    path(
        "sourcing/shortlists/<int:shortlist_id>/delete/",
        views.shortlist_delete,
        name="sourcing-shortlist-delete",
    ),
    path(
        "sourcing/shortlists/<int:shortlist_id>/suppliers/<int:supplier_id>/remove/",
        views.shortlist_remove,
        name="sourcing-shortlist-remove",
    ),
    path("sourcing/funnel/", views.buyer_funnel, name="sourcing-funnel"),
    path(
        "tenders/<int:tender_id>/invite-suppliers/",
        views.tender_invite,
        name="sourcing-tender-invite",
    ),
    path(
        "tenders/<int:tender_id>/invite-suppliers/shortlisted/",
        views.tender_invite_suppliers,
        name="sourcing-tender-invite-suppliers",
    ),
    path("tenders/<int:tender_id>/funnel/", views.tender_funnel, name="sourcing-tender-funnel"),
]
