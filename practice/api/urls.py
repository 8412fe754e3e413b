from django.urls import path

from . import views as v

urlpatterns = [
    path("lots/<int:lot_id>/practice/", v.PracticeStartApi.as_view(), name="practice-start"),
    path("practice/<int:session_id>/", v.PracticeApi.as_view(), name="practice"),
    path("practice/<int:session_id>/bids/", v.PracticeBidApi.as_view(), name="practice-bid"),
]
