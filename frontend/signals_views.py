"""The collusion signals page (``auctions.integrity``): the flags found across the lots a
buyer's people or a platform's admins may analyse, each with its evidence. Anyone with no such
scope (a supplier) gets a 404, as from the API."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from auctions.integrity import selectors
from marketplace.core.exceptions import NotFoundError
from marketplace.core.ids import ID_MAX, ID_MIN


class SignalsFilterForm(forms.Form):
    platform = forms.IntegerField(
        label=gettext_lazy("Platform"), required=False, min_value=ID_MIN, max_value=ID_MAX
    )
    buyer = forms.IntegerField(
        label=gettext_lazy("Buyer"), required=False, min_value=ID_MIN, max_value=ID_MAX
    )
    since = forms.DateField(
        label=gettext_lazy("Lots finished since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_since(self):
        since = self.cleaned_data.get("since")
        if since and since > timezone.now().date():
            raise forms.ValidationError(_("Must not be in the future."))
        return since

    def params(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v is not None}
        if "since" in data:
            data["since"] = datetime.combine(data["since"], time.min, tzinfo=UTC)
        return data


def _cards(analysis) -> list[dict]:
    """Each flag with what the page shows of it: its lots, suppliers and evidence rows."""
    market = analysis.market
    cards = []
    for flag in analysis.flags:
        rows = [
            {
                "lot": market.lot[e.lot],
                "supplier": "" if e.supplier is None else market.name(e.supplier),
                "amount": e.amount,
                "currency": market.lot[e.lot].currency,
                "placed_at": e.placed_at,
                "seconds_before_end": e.seconds_before_end,
                "note": e.note,
            }
            for e in flag.evidence
        ]
        cards.append(
            {
                "flag": flag,
                "lots": [market.lot[i] for i in flag.lots],
                "suppliers": [market.name(s) for s in flag.suppliers],
                "rows": rows,
            }
        )
    return cards


def _other(chosen: int | None, listed) -> int | None:
    return chosen if chosen is not None and chosen not in {o.pk for o in listed} else None


@login_required
@require_GET
def signals_page(request):
    form = SignalsFilterForm(request.GET or None)
    params = {}
    if form.is_bound:
        if form.is_valid():
            params = form.params()
        else:
            messages.error(request, _("Some filters could not be read; they are left out."))
    try:
        analysis = selectors.signals_across(user=request.user, **params)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    platforms, buyers = selectors.signals_filter_choices(user=request.user)
    platforms, buyers = list(platforms), list(buyers)
    return render(
        request,
        "frontend/signals.html",
        {
            "form": form,
            "analysis": analysis,
            "cards": _cards(analysis),
            "platforms": platforms,
            "buyers": buyers,
            # A platform or buyer chosen by its id (a link) that is not in the lists.
            "other_platform": _other(analysis.platform, platforms),
            "other_buyer": _other(analysis.buyer, buyers),
        },
    )
