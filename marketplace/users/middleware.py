"""The signed-in person's time zone on the pages.

Pages show times in the person's time zone (``User.time_zone``): Django's ``date`` and ``time``
filters and the forms' date-time fields follow the zone activated here. The API speaks UTC, so
``/api/`` is left in UTC. (The language is the page's own: the selector's cookie, which the
profile page sets too, or the browser's.)"""

from __future__ import annotations

from django.utils import timezone

from marketplace.core.times import zone

API_PREFIX = "/api/"


class PersonZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or user is None or not user.is_authenticated:
            timezone.deactivate()
        else:
            timezone.activate(zone(user.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
