"""The calendar of my auctions: a week of the lots I work on (``auctions.tenders.calendar``),
and the same lots as an ``.ics`` file to import into a calendar program (a download behind the
log-in; no token feed)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from auctions.tenders.calendar import lot_calendar_for

from .auction_calendar import (
    FILENAME,
    auction_calendar_ics,
    ics_window,
    week_bounds,
    week_days,
    week_monday,
)


@login_required
def auction_calendar(request):
    """The week (``?week=YYYY-MM-DD``, any day of it; this week without) from Monday to
    Sunday in the person's time zone, a column per day (rows on a phone)."""
    today = timezone.localdate()
    monday = week_monday(request.GET.get("week"), today=today)
    start, end = week_bounds(monday)
    entries = lot_calendar_for(user=request.user, start=start, end=end)
    return render(
        request,
        "frontend/auction_calendar.html",
        {
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "this_week": monday == today - timedelta(days=today.weekday()),
            "days": week_days(monday, entries, today=today),
            "count": len(entries),
        },
    )


@never_cache
@login_required
def auction_calendar_ics_file(request):
    """The lots of the last 30 days and the next 90 as ``tradefloor-auctions.ics``."""
    now = timezone.now()
    start, end = ics_window(now)
    body = auction_calendar_ics(
        entries=lot_calendar_for(user=request.user, start=start, end=end),
        room_url=lambda lot: request.build_absolute_uri(
            reverse("frontend:lot-room", args=[lot.pk])
        ),
        now=now,
        host=request.get_host().partition(":")[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response
