"""The sourcing API: ``/api/sourcing/...`` (docs/api/sourcing.md)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("sourcing/shortlists/", v.ShortlistListApi.as_view(), name="sourcing-shortlists"),
    path(
        "sourcing/shortlists/<int:shortlist_id>/",
        v.ShortlistDetailApi.as_view(),
        name="sourcing-shortlist",
    ),
    path(
        "sourcing/shortlists/<int:shortlist_id>/suppliers/<int:supplier_id>/",
        v.ShortlistSupplierApi.as_view(),
        name="sourcing-shortlist-supplier",
    ),
    path(
        "sourcing/tenders/<int:tender_id>/invitations/",
        v.TenderInvitationApi.as_view(),
        name="sourcing-tender-invitations",
    ),
    path(
        "sourcing/tenders/<int:tender_id>/prospects/",
        v.TenderProspectApi.as_view(),
        name="sourcing-tender-prospects",
    ),
    path(
        "sourcing/tenders/<int:tender_id>/funnel/",
        v.TenderFunnelApi.as_view(),
        name="sourcing-tender-funnel",
    ),
    path("sourcing/funnel/", v.BuyerFunnelApi.as_view(), name="sourcing-funnel"),
]
