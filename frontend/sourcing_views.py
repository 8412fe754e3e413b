"""The buyer's pages for attracting suppliers: its shortlists (``/sourcing/shortlists/``), the
"Add to shortlist" button of the supplier directory's cards, a tender's "Invite suppliers" page
(from a shortlist, or a company not registered yet by e-mail and tax identifier) and the
funnels (a tender's, and the buyer's across its tenders).

Thin views: ``sourcing.selectors`` read (what the person may not see is "not found"), the
services (``sourcing.shortlists``, ``sourcing.invitations``) write and say why not; a refusal
comes back as a message or next to the form's fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from auctions.models import Participation, Tender
from auctions.tenders import selectors as tender_selectors
from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id
from sourcing import invitations, selectors, shortlists
from sourcing.models import Stage

from .onboarding_forms import add_service_error
from .sourcing_forms import ProspectForm, ShortlistForm

# What a kept refusal of the automatic invitation means (``auto_invite_problem``).
AUTO_INVITE_PROBLEMS = {
    "supplier_not_participant": gettext_lazy("not a participant of the tender's platform yet"),
    "supplier_not_verified": gettext_lazy("not verified any more"),
    "no_tender_manager": gettext_lazy("nobody manages the tender to invite it"),
    "not_a_supplier": gettext_lazy("registered as a buyer only"),
}


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if is_id(number) else None


def _refused(request, exc: ApplicationError, *, prefix: str = "") -> None:
    details = [m for found in (exc.fields or {}).values() for m in found if m != exc.message]
    text = " ".join([exc.message, *details])
    messages.error(request, f"{prefix}{text}" if prefix else text)


def _managed_tender(request, tender_id: int):
    try:
        return tender_selectors.tender_get_managed(user=request.user, tender_id=tender_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _shortlist(request, shortlist_id: int):
    try:
        return selectors.shortlist_get(user=request.user, shortlist_id=shortlist_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


# --- The directory's cards -------------------------------------------------------------------


def directory_context(user, companies) -> dict:
    """What the directory's cards need for their "Add to shortlist" button (the buyer's
    managers only): the lists to choose from, the tenders whose list is made on first use, and
    on each card the user's lists that already hold it (``company.on_shortlists``)."""
    managed = list(selectors.buyers_managed(user=user))
    if not managed:
        return {}
    lists = list(selectors.shortlist_list(user=user).filter(buyer__in=managed))
    on = selectors.shortlist_memberships(user=user, supplier_ids=[c.pk for c in companies])
    for company in companies:
        company.on_shortlists = on.get(company.pk, [])
    return {
        "shortlists": lists,
        "shortlist_tenders": list(selectors.tenders_for_shortlists(user=user)),
        # A buyer with no named list yet: "My shortlist", made on first use.
        "shortlist_new_for": [
            b for b in managed if not any(s.buyer_id == b.pk and s.tender_id is None for s in lists)
        ],
    }


def _target_shortlist(request, value: str):
    """The list a card's form names: a list's id, ``tender-<id>`` (that tender's list, made
    now if need be) or ``new-<buyer id>`` (the buyer's first list)."""
    if value.startswith("tender-"):
        try:
            tender = tender_selectors.tender_get_managed(
                user=request.user, tender_id=_int(value[7:]) or 0
            )
        except NotFoundError as exc:
            raise ApplicationError(exc.message, code=exc.code) from exc
        return shortlists.shortlist_for_tender(actor=request.user, tender=tender)
    if value.startswith("new-"):
        buyer = selectors.buyers_managed(user=request.user).filter(pk=_int(value[4:])).first()
        if buyer is None:
            raise ApplicationError(_("Company not found."), code="company_not_found")
        existing = (
            selectors.shortlist_list(user=request.user, buyer_id=buyer.pk)
            .filter(tender__isnull=True)
            .first()
        )
        if existing is not None:
            return existing
        return shortlists.shortlist_create(actor=request.user, buyer=buyer, name=_("My shortlist"))
    try:
        return selectors.shortlist_get(user=request.user, shortlist_id=_int(value) or 0)
    except NotFoundError as exc:
        raise ApplicationError(exc.message, code=exc.code) from exc


def _next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def shortlist_add(request):
    supplier_id = _int(request.POST.get("supplier"))
    back = _next(request, reverse("frontend:supplier-directory"))
    if supplier_id is None:
        messages.error(request, _("Choose a supplier."))
        return redirect(back)
    try:
        shortlist = _target_shortlist(request, request.POST.get("shortlist") or "")
        entry, created = shortlists.shortlist_add(
            actor=request.user, shortlist=shortlist, supplier_id=supplier_id
        )
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        values = {"company": entry.supplier.legal_name, "list": shortlist.name}
        if created:
            messages.success(request, _("%(company)s is on the shortlist “%(list)s”.") % values)
        else:
            messages.success(
                request, _("%(company)s was already on the shortlist “%(list)s”.") % values
            )
    return redirect(back)


# --- Shortlists ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_index(request):
    if not selectors.buyer_ids_read(user=request.user):
        raise Http404(_("You are not one of a buyer company's people."))
    managed = list(selectors.buyers_managed(user=request.user))
    form = ShortlistForm(
        request.POST or None,
        buyers=managed,
        initial={"buyer": managed[0].pk if managed else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            buyer = next((b for b in managed if b.pk == form.cleaned_data.get("buyer")), None)
            if buyer is None and len(managed) == 1:
                buyer = managed[0]
            try:
                shortlist = shortlists.shortlist_create(
                    actor=request.user, buyer=buyer, name=form.cleaned_data["name"]
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The shortlist is made."))
                return redirect("frontend:sourcing-shortlist", shortlist.pk)
        else:
            status = 400
    return render(
        request,
        "frontend/sourcing/shortlists.html",
        {
            "shortlists": selectors.shortlist_list(user=request.user),
            "form": form if managed else None,
        },
        status=status,
    )


@login_required
@require_GET
def shortlist_page(request, shortlist_id: int):
    shortlist = _shortlist(request, shortlist_id)
    manager = selectors.user_manages_buyer(user=request.user, buyer_id=shortlist.buyer_id)
    tenders = []
    if manager:  # the tenders it may invite the list's suppliers to
        tenders = list(
            Tender.objects.filter(
                buyer_id=shortlist.buyer_id,
                participation=Participation.INVITATION,
                status__in=selectors.ACCEPTING,
            ).order_by("-created_at", "-pk")
        )
    return render(
        request,
        "frontend/sourcing/shortlist.html",
        {
            "shortlist": shortlist,
            "entries": selectors.shortlist_entries(shortlist=shortlist),
            "manager": manager,
            "tenders": tenders,
        },
    )


@login_required
@require_POST
def shortlist_rename(request, shortlist_id: int):
    shortlist = _shortlist(request, shortlist_id)
    try:
        shortlists.shortlist_rename(
            actor=request.user, shortlist=shortlist, name=request.POST.get("name", "")
        )
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The shortlist is renamed."))
    return redirect("frontend:sourcing-shortlist", shortlist.pk)


@login_required
@require_POST
def shortlist_delete(request, shortlist_id: int):
    shortlist = _shortlist(request, shortlist_id)
    try:
        shortlists.shortlist_delete(actor=request.user, shortlist=shortlist)
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("frontend:sourcing-shortlist", shortlist.pk)
    messages.success(request, _("The shortlist is deleted."))
    return redirect("frontend:sourcing-shortlists")


@login_required
@require_POST
def shortlist_remove(request, shortlist_id: int, supplier_id: int):
    shortlist = _shortlist(request, shortlist_id)
    try:
        shortlists.shortlist_remove(
            actor=request.user, shortlist=shortlist, supplier_id=supplier_id
        )
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The supplier is taken off the shortlist."))
    return redirect(_next(request, reverse("frontend:sourcing-shortlist", args=[shortlist.pk])))


# --- A tender's "Invite suppliers" page --------------------------------------------------------


def _invite_context(request, tender, *, form, registered=None) -> dict:
    lists = list(selectors.shortlist_list(user=request.user, buyer_id=tender.buyer_id))
    chosen_id = _int(request.GET.get("shortlist") or request.POST.get("shortlist"))
    chosen = next((s for s in lists if s.pk == chosen_id), None)
    if chosen is None:
        chosen = next((s for s in lists if s.tender_id == tender.pk), lists[0] if lists else None)
    invited = set(
        tender_selectors.invitation_list(tender=tender).values_list("supplier_id", flat=True)
    )
    entries = list(selectors.shortlist_entries(shortlist=chosen)) if chosen else []
    return {
        "tender": tender,
        "accepting": tender.status in selectors.ACCEPTING,
        "invitation_only": tender.participation == Participation.INVITATION,
        "shortlists": lists,
        "chosen": chosen,
        "entries": [(entry, entry.supplier_id in invited) for entry in entries],
        "form": form,
        "registered": registered,
    }


@login_required
@require_http_methods(["GET", "POST"])
def tender_invite(request, tender_id: int):
    """GET: the page. POST: the form of a company not registered yet."""
    tender = _managed_tender(request, tender_id)
    form = ProspectForm(request.POST or None)
    registered = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                row = invitations.prospect_invite(
                    actor=request.user,
                    tender=tender,
                    language=translation.get_language() or "",
                    **form.cleaned_data,
                )
            except invitations.CompanyRegisteredError as exc:
                add_service_error(form, exc)
                registered = {"company": exc.company}
                status = exc.status_code
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("%(email)s is invited: the e-mail with the sign-up link is on its way.")
                    % {"email": row.email},
                )
                return redirect("frontend:sourcing-tender-invite", tender.pk)
    context = _invite_context(request, tender, form=form, registered=registered)
    return render(request, "frontend/sourcing/tender_invite.html", context, status=status)


@login_required
@require_POST
def tender_invite_suppliers(request, tender_id: int):
    """Invite the suppliers ticked on the page (each on its own: one refusal stops no other)."""
    tender = _managed_tender(request, tender_id)
    ids = [i for i in (_int(v) for v in request.POST.getlist("supplier")) if i is not None]
    back = reverse("frontend:sourcing-tender-invite", args=[tender.pk])
    if request.POST.get("shortlist"):
        back += f"?shortlist={_int(request.POST['shortlist']) or ''}"
    if not ids:
        messages.error(request, _("Tick the suppliers to invite."))
        return redirect(back)
    invited = []
    for supplier in Company.objects.filter(pk__in=ids).order_by("legal_name", "pk"):
        try:
            invitations.supplier_invite(actor=request.user, tender=tender, supplier=supplier)
        except ApplicationError as exc:
            _refused(request, exc, prefix=f"{supplier.legal_name}: ")
        else:
            invited.append(supplier.legal_name)
    if invited:
        messages.success(request, _("Invited: %(companies)s.") % {"companies": ", ".join(invited)})
    return redirect(back)


# --- Funnels ---------------------------------------------------------------------------------

STAGE_LABELS = dict(Stage.choices)


def _stages(counts: dict[str, int]) -> list[dict]:
    invited = counts.get(Stage.INVITED, 0)
    return [
        {
            "stage": stage,
            "label": STAGE_LABELS[stage],
            "count": counts.get(stage, 0),
            "percent": round(100 * counts.get(stage, 0) / invited) if invited else 0,
        }
        for stage in Stage.values
    ]


@login_required
@require_GET
def tender_funnel(request, tender_id: int):
    try:
        tender = selectors.tender_for_buyer(user=request.user, tender_id=tender_id)
    except ApplicationError as exc:  # not found, or seen from another side: not the buyer's
        raise Http404(exc.message) from exc
    funnel = selectors.tender_funnel(user=request.user, tender=tender)
    rows = [
        {
            "row": row,
            "label": STAGE_LABELS[row.stage],
            "problem": AUTO_INVITE_PROBLEMS.get(
                row.invitation.auto_invite_problem, row.invitation.auto_invite_problem
            ),
        }
        for row in funnel["rows"]
    ]
    return render(
        request,
        "frontend/sourcing/funnel.html",
        {
            "tender": tender,
            "stages": _stages(funnel["counts"]),
            "rows": rows,
            "manager": tender_selectors.user_may_manage_tender(user=request.user, tender=tender),
        },
    )


@login_required
@require_GET
def buyer_funnel(request):
    ids = selectors.buyer_ids_read(user=request.user)
    if not ids:
        raise Http404(_("You are not one of a buyer company's people."))
    buyers = list(Company.objects.filter(pk__in=ids).order_by("legal_name", "pk"))
    chosen_id = _int(request.GET.get("buyer"))
    buyer = next((b for b in buyers if b.pk == chosen_id), buyers[0])
    funnel = selectors.buyer_funnel(buyer=buyer)
    return render(
        request,
        "frontend/sourcing/buyer_funnel.html",
        {
            "buyer": buyer,
            "buyers": buyers,
            "stages": _stages(funnel["counts"]),
            "tenders": [
                {"tender": t["tender"], "stages": _stages(t["counts"])} for t in funnel["tenders"]
            ],
        },
    )
