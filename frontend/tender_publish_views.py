"""Publishing a draft tender, after a summary to confirm: GET ``tenders/<id>/publish/`` shows
the tender (its deadlines in the reader's time zone, who may take part) and each lot in plain
words, only what its format uses (``lot_forms.LOT_GROUPS``), with what publishing would refuse
now (``drafting.tender_publish`` run and rolled back); only the POST from that page
(``confirm``) publishes. The manage page links here."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auctions import rules
from auctions.models import Lot, Participation, StepKind, StepReference, TieRule
from auctions.tenders import drafting, selectors
from marketplace.core.exceptions import ApplicationError
from marketplace.core.money import format_money
from marketplace.platforms.models import AuctionFormat, Visibility

from .lot_form_fields import duration_text
from .lot_forms import FORMAT_EXPLANATIONS, LOT_GROUPS
from .tender_views import _act, _managed_tender, _not_a_draft, dry_run

FORMATS_OF = {group.key: group.formats for group in LOT_GROUPS}


def _number(value) -> str:
    return f"{value.normalize():f}" if value is not None else "—"


def _step_words(lot: Lot, value, currency: str) -> str:
    """A step of ``value`` in the lot's step kind, with its amount at the start price."""
    amount = rules.min_step(step_kind=lot.step_kind, step_value=value, start_price=lot.start_price)
    if lot.step_kind == StepKind.PERCENT:
        return _("%(percent)s%% of the start price: %(amount)s a step") % {
            "percent": _number(Decimal(str(value))),
            "amount": format_money(amount, currency),
        }
    return _("%(amount)s a step") % {"amount": format_money(amount, currency)}


def lot_summary(lot: Lot, currency: str) -> list[tuple[str, str | list[str]]]:
    """The lot in plain words, as (what, how) rows; only what its format uses."""
    fmt = AuctionFormat(lot.auction_format)

    def uses(key: str) -> bool:
        return fmt in FORMATS_OF[key]

    rows: list[tuple[str, str | list[str]]] = [
        (_("Format"), f"{fmt.label}. {FORMAT_EXPLANATIONS[fmt]}"),
        (_("Quantity"), f"{_number(lot.quantity)} {lot.unit}"),
        (_("Start price"), format_money(lot.start_price, currency)),
        (
            _("Reserve price (hidden from suppliers)"),
            format_money(lot.reserve_price, currency) if lot.reserve_price else _("none"),
        ),
    ]
    delivery = [lot.delivery_place, lot.delivery_date and lot.delivery_date.isoformat()]
    delivery.append(lot.incoterms)
    rows.append((_("Delivery"), ", ".join(str(d) for d in delivery if d) or "—"))
    if uses("step"):
        rows.append((_("Minimum step"), _step_words(lot, lot.step_value, currency)))
        if lot.step_bands:
            rows.append(
                (
                    _("Minimum step by price band"),
                    [
                        _("below %(price)s: %(step)s")
                        % {
                            "price": format_money(band["below"], currency),
                            "step": _step_words(lot, band["step"], currency),
                        }
                        for band in sorted(lot.step_bands, key=lambda b: Decimal(str(b["below"])))
                    ],
                )
            )
    if uses("bidding"):
        rows.append((_("A bid must beat"), str(StepReference(lot.step_reference).label)))
        rows.append((_("Ties"), str(TieRule(lot.tie_rule).label)))
        if lot.max_step_percent:
            rows.append(
                (
                    _("Typo guard"),
                    _("a bid more than %(percent)s%% below the price it beats is confirmed first")
                    % {"percent": _number(lot.max_step_percent)},
                )
            )
    if uses("duration"):
        rows.append((_("Duration"), duration_text(lot.duration_seconds)))
    if uses("soft_close"):
        rows.append((_("Soft close"), _soft_close_words(lot)))
    if uses("rounds"):
        rows.append(
            (
                _("Rounds"),
                _(
                    "%(rounds)s rounds, a turn of %(turn)s each, a first pause of %(first)s and "
                    "%(pause)s between rounds"
                )
                % {
                    "rounds": lot.rounds,
                    "turn": duration_text(lot.turn_seconds),
                    "first": duration_text(lot.first_pause_seconds),
                    "pause": duration_text(lot.round_pause_seconds),
                },
            )
        )
    if uses("clock"):
        rows.append((_("Each price level"), duration_text(lot.level_seconds)))
        rows.append(
            (
                _("Floor price"),
                format_money(lot.floor_price, currency)
                if lot.floor_price is not None
                else _("none: one step"),
            )
        )
    rows.append((_("What suppliers see"), str(Visibility(lot.visibility).label)))
    rows.append((_("Minimum admitted participants"), str(lot.min_participants)))
    if lot.min_participants > 1:
        rows.append(
            (
                _("With only one admitted supplier"),
                _("the buyer may award the lot without an auction")
                if lot.allow_single_award
                else _("the lot fails"),
            )
        )
    if lot.stagger_seconds:
        rows.append(
            (
                _("Start"),
                _("%(time)s after the previous lot") % {"time": duration_text(lot.stagger_seconds)},
            )
        )
    if uses("weighted") and lot.weighted:
        rows.append(
            (
                _("Weighted criteria"),
                [
                    f"{c.title} ({c.code}): "
                    + "; ".join(f"{o['title']} = {o['value']}" for o in c.options)
                    for c in lot.criteria.all()
                ],
            )
        )
    if uses("landed") and lot.landed_cost:
        rows.append((_("Ranked by"), _("the price plus each supplier's delivery cost")))
    return rows


def _soft_close_words(lot: Lot) -> str:
    window, extension = lot.soft_close_window_seconds, lot.soft_close_extension_seconds
    if not window or not extension:
        return _("none: the auction ends on time")
    words = _("a bid in the last %(window)s extends the auction by %(extension)s") % {
        "window": duration_text(window),
        "extension": duration_text(extension),
    }
    if lot.soft_close_max_rank:
        words += "; " + _("only a bid reaching rank %(rank)s or better") % {
            "rank": lot.soft_close_max_rank
        }
    if lot.soft_close_max_extensions is not None:
        words += "; " + _("at most %(n)s extensions") % {"n": lot.soft_close_max_extensions}
    return words


def _refusal(exc: ApplicationError) -> list[str]:
    details = [str(m) for messages in (exc.fields or {}).values() for m in messages]
    return [str(exc.message), *(m for m in details if m != exc.message)]


@login_required
@require_http_methods(["GET", "POST"])
def tender_publish(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    if request.method == "POST":
        if request.POST.get("confirm") != "1":  # not from the summary: show it first
            return redirect("frontend:tender-publish", tender_id=tender.pk)
        return _act(
            request,
            tender.pk,
            drafting.tender_publish,
            tender=tender,
            done=_("The tender is published: its lots take applications."),
        )
    if (back := _not_a_draft(request, tender)) is not None:
        return back
    problems: list[str] = []
    approval = False  # refused for want of approval: the page links to the tender's approval
    try:
        dry_run(drafting.tender_publish, actor=request.user, tender=tender)
    except ApplicationError as exc:
        problems = _refusal(exc)
        approval = exc.code.startswith("approval_")
    lots = list(selectors.lot_list_for_tender(tender=tender))
    invitation = tender.participation == Participation.INVITATION
    context = {
        "tender": tender,
        "lots": [
            (lot, [(what, how if isinstance(how, list) else [how]) for what, how in rows])
            for lot in lots
            for rows in [lot_summary(lot, tender.currency)]
        ],
        "problems": problems,
        "approval": approval,
        "invited": selectors.invitation_list(tender=tender).count() if invitation else None,
        "documents": selectors.document_list(tender=tender).count(),
    }
    return render(request, "frontend/tenders/publish.html", context)
