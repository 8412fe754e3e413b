"""The CRM API's activities, timelines and calendar feed routes (under
``/api/crm/<workspace_id>/``), and the feed's own public route (``feed_urlpatterns``, under
``/api/crm/calendar/``: answered by its token, without a session)."""

from django.urls import path

from . import activities_views as v

urlpatterns = [
    path("activities/", v.ActivityListCreateApi.as_view(), name="crm-activities"),
    path("activities/<int:activity_id>/", v.ActivityDetailApi.as_view(), name="crm-activity"),
    path(
        "activities/<int:activity_id>/invitation.ics",
        v.ActivityInvitationApi.as_view(),
        name="crm-activity-invitation",
    ),
    path(
        "accounts/<int:account_id>/timeline/",
        v.AccountTimelineApi.as_view(),
        name="crm-account-timeline",
    ),
    path(
        "contacts/<int:contact_id>/timeline/",
        v.ContactTimelineApi.as_view(),
        name="crm-contact-timeline",
    ),
    path("calendar-feed/", v.CalendarFeedApi.as_view(), name="crm-calendar-feed"),
    path(
        "calendar-feed/rotate/",
        v.CalendarFeedRotateApi.as_view(),
        name="crm-calendar-feed-rotate",
    ),
]

feed_urlpatterns = [
    path("<str:token>.ics", v.CalendarFeedIcsApi.as_view(), name="crm-calendar-feed-ics"),
]
