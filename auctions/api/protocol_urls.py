from django.urls import path

from .protocol_views import LotProtocolView

urlpatterns = [
    path("lots/<int:lot_id>/protocol/", LotProtocolView.as_view(), name="lot-protocol"),
]
