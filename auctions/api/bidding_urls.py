from django.urls import path

from . import bidding_views as v

urlpatterns = [
    path("lots/<int:lot_id>/standing/", v.StandingView.as_view(), name="lot-standing"),
    path("lots/<int:lot_id>/bids/", v.BidsView.as_view(), name="lot-bids"),
    path(
        "lots/<int:lot_id>/surrogate-bids/", v.SurrogateBidView.as_view(), name="lot-surrogate-bids"
    ),
    path("lots/<int:lot_id>/bids/withdraw/", v.WithdrawView.as_view(), name="lot-bid-withdraw"),
    path("lots/<int:lot_id>/quote/", v.QuoteView.as_view(), name="lot-bid-quote"),
    path("lots/<int:lot_id>/proxy/", v.ProxyView.as_view(), name="lot-proxy"),
    path("lots/<int:lot_id>/pause/", v.PauseView.as_view(), name="lot-pause"),
    path("lots/<int:lot_id>/resume/", v.ResumeView.as_view(), name="lot-resume"),
    path("lots/<int:lot_id>/close/", v.CloseView.as_view(), name="lot-close"),
    path("lots/<int:lot_id>/award/", v.AwardView.as_view(), name="lot-award"),
    path("lots/<int:lot_id>/events/", v.EventsView.as_view(), name="lot-events"),
    path("lots/<int:lot_id>/events/verify/", v.ChainView.as_view(), name="lot-events-verify"),
    path("deals/", v.DealListView.as_view(), name="deals"),
    path("deals/<int:deal_id>/", v.DealDetailView.as_view(), name="deal-detail"),
]
