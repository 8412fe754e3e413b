from django.urls import path

from . import brand_views, views

urlpatterns = [
    path("platforms/", views.PlatformListCreateApi.as_view(), name="platform-list"),
    path("platforms/<int:platform_id>/", views.PlatformDetailApi.as_view(), name="platform-detail"),
    path(
        "platforms/<int:platform_id>/admins/",
        views.PlatformAdminListAddApi.as_view(),
        name="platform-admin-list",
    ),
    path(
        "platforms/<int:platform_id>/admins/<int:user_id>/",
        views.PlatformAdminRemoveApi.as_view(),
        name="platform-admin-detail",
    ),
    path(
        "platforms/<int:platform_id>/participations/",
        views.PlatformParticipationListApplyApi.as_view(),
        name="platform-participation-list",
    ),
    path(
        "platforms/<int:platform_id>/participations/add/",
        views.PlatformParticipationAddApi.as_view(),
        name="platform-participation-add",
    ),
    path(
        "platforms/<int:platform_id>/brand/",
        brand_views.PlatformBrandApi.as_view(),
        name="platform-brand",
    ),
    path(
        "platforms/<int:platform_id>/brand/logo/",
        brand_views.PlatformBrandLogoApi.as_view(),
        name="platform-brand-logo",
    ),
    path("brand/", brand_views.HostBrandApi.as_view(), name="host-brand"),
    path("participations/", views.ParticipationListApi.as_view(), name="participation-list"),
    path(
        "participations/<int:participation_id>/",
        views.ParticipationDetailApi.as_view(),
        name="participation-detail",
    ),
    path(
        "participations/<int:participation_id>/accept/",
        views.ParticipationAcceptApi.as_view(),
        name="participation-accept",
    ),
    path(
        "participations/<int:participation_id>/refuse/",
        views.ParticipationRefuseApi.as_view(),
        name="participation-refuse",
    ),
    path(
        "participations/<int:participation_id>/suspend/",
        views.ParticipationSuspendApi.as_view(),
        name="participation-suspend",
    ),
]
