from django.urls import path

from . import auction_views, views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("tenders/<int:tender_id>/", views.tender_page, name="tender"),
    path("auctions/", views.workspace, name="workspace"),
    path("lots/<int:lot_id>/", auction_views.lot_room, name="lot-room"),
    path("invitations/accept/", views.invitation_accept_page, name="invitation-accept"),
]
