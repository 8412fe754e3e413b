from django.urls import path

from . import views

urlpatterns = [
    path("companies/", views.CompanyListCreateApi.as_view(), name="company-list"),
    path("companies/<int:company_id>/", views.CompanyDetailApi.as_view(), name="company-detail"),
    path(
        "companies/<int:company_id>/members/",
        views.CompanyMemberListApi.as_view(),
        name="company-member-list",
    ),
    path(
        "companies/<int:company_id>/members/<int:user_id>/",
        views.CompanyMemberDetailApi.as_view(),
        name="company-member-detail",
    ),
    path(
        "companies/<int:company_id>/leave/",
        views.CompanyLeaveApi.as_view(),
        name="company-leave",
    ),
    path(
        "companies/<int:company_id>/invitations/",
        views.CompanyInvitationListCreateApi.as_view(),
        name="company-invitation-list",
    ),
    path(
        "companies/<int:company_id>/invitations/<int:invitation_id>/revoke/",
        views.CompanyInvitationRevokeApi.as_view(),
        name="company-invitation-revoke",
    ),
    path(
        "invitations/accept/",
        views.InvitationAcceptApi.as_view(),
        name="invitation-accept",
    ),
]
