"""The translation order pages: the orders of my companies, my queue and my orders as a
translator (``/translations/``), ordering (``/translations/new/``), an order with its steps and
the forms of the step that is the reader's to take (``/translations/<id>/``), the private
downloads of its documents and delivered files, and a platform's translators and rates for its
admins (``/translations/platforms/<id>/``).

Thin views: ``translation_orders.selectors`` read (an order the person may not see is "not
found"), the services write and say why not; a refusal comes back next to the form's fields or
as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.files import private_file_response
from marketplace.core.ids import is_id
from marketplace.platforms.models import Platform
from marketplace.platforms.selectors import platforms_where_company_trades
from translation_orders import platform_settings, selectors, services
from translation_orders.models import OrderStatus, TranslationOrder
from translation_orders.wordcount import note_text

from .onboarding_forms import add_service_error
from .translation_order_forms import DeliverForm, GrantForm, OrderForm, QuoteForm, RateForm


def _refused(request, exc: ApplicationError) -> None:
    details = [m for found in (exc.fields or {}).values() for m in found if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


def _ids(*values: int) -> None:
    """Every id of the path must be a possible id (else the database would be asked for one
    out of its range): 404."""
    if not all(is_id(value) for value in values):
        raise Http404(_("Not found."))


def _order(request, order_id: int) -> TranslationOrder:
    _ids(order_id)
    try:
        return selectors.order_get(user=request.user, order_id=order_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _platform(request, platform_id: int) -> Platform:
    _ids(platform_id)
    try:
        return selectors.platform_get_administered(user=request.user, platform_id=platform_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


# --- Lists ---------------------------------------------------------------------------------------


@login_required
@require_GET
def order_index(request):
    user = request.user
    translating = selectors.translator_platform_ids(user=user)
    return render(
        request,
        "translation_orders/orders.html",
        {
            "mine": selectors.order_list(user=user, scope="mine")[:100],
            "translator": bool(translating),
            "queue": selectors.order_list(user=user, scope="queue")[:100] if translating else [],
            "translating": selectors.order_list(user=user, scope="translating")[:100]
            if translating
            else [],
            "administered": selectors.platforms_administered(user=user)[:50],
            "may_order": selectors.companies_ordering(user=user).exists(),
        },
    )


# --- Ordering ------------------------------------------------------------------------------------


def _orderable(user) -> tuple[list, list, dict]:
    """(document choices, platform choices, value -> (company, side)) for ``user``."""
    choices: list = []
    platforms: dict[int, str] = {}
    owners: dict[str, tuple[int, str]] = {}
    for company in selectors.companies_ordering(user=user):
        sides = selectors.sides_for(user=user, company=company)
        if "buyer" in sides:
            for d in selectors.tender_documents_orderable(company_id=company.pk)[:200]:
                value = f"t-{d.pk}"
                choices.append((value, f"{d.tender.title}: {d.title}"))
                owners[value] = (company.pk, "buyer")
        if "supplier" in sides:
            for c in selectors.certificates_orderable(company_id=company.pk):
                value = f"c-{c.pk}"
                label = _("Certificate: %(name)s") % {"name": c.name}
                choices.append((value, f"{company.legal_name}: {label}"))
                owners[value] = (company.pk, "supplier")
            for p in platforms_where_company_trades(company=company):
                platforms[p.pk] = p.name
    return choices, sorted(platforms.items(), key=lambda pair: pair[1]), owners


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request):
    choices, platforms, owners = _orderable(request.user)
    if not owners:
        raise Http404(_("None of your companies has documents you may order translated."))
    form = OrderForm(request.POST or None, documents=choices, platforms=platforms)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = data["documents"]
            companies = {owners[value] for value in chosen}
            if len(companies) > 1:
                form.add_error(
                    "documents",
                    _("Choose the documents of one company, as a buyer or as a supplier."),
                )
                status = 400
            else:
                [(company_id, side)] = companies
                ids = [int(value[2:]) for value in chosen]
                try:
                    order = services.order_place(
                        actor=request.user,
                        company_id=company_id,
                        side=side,
                        source_language=data["source_language"],
                        target_language=data["target_language"],
                        tender_document_ids=ids if side == "buyer" else (),
                        certificate_ids=ids if side == "supplier" else (),
                        platform_id=data.get("platform"),
                        instructions=data["instructions"],
                    )
                except ApplicationError as exc:
                    add_service_error(form, exc)
                    status = exc.status_code
                else:
                    messages.success(
                        request, _("The order is placed: the platform's translators will quote it.")
                    )
                    return redirect("frontend:translation-order", order.pk)
        else:
            status = 400
    return render(request, "translation_orders/new.html", {"form": form}, status=status)


# --- An order ------------------------------------------------------------------------------------


@login_required
@require_GET
def order_page(request, order_id: int):
    order = _order(request, order_id)
    roles = selectors.roles_of(user=request.user, order=order)
    documents = list(order.documents.all())
    for document in documents:
        document.note_text = note_text(document.count_note) if document.count_note else ""
    rounds: dict[int, list] = {}
    if roles.reads_documents:
        for delivered in order.files.all():
            rounds.setdefault(delivered.round, []).append(delivered)
    status = order.status
    return render(
        request,
        "translation_orders/order.html",
        {
            "order": order,
            "roles": roles,
            "documents": documents,
            "rounds": sorted(rounds.items()),
            "steps": order.steps.select_related("actor").order_by("at", "pk"),
            "invoice": order.invoice if (roles.member or roles.admin) else None,
            "may_quote": roles.translator and status in (OrderStatus.ORDERED, OrderStatus.QUOTED),
            "may_deliver": roles.translator and status == OrderStatus.IN_PROGRESS,
            "may_decide_quote": roles.orderer and status == OrderStatus.QUOTED,
            "may_cancel": roles.orderer and status == OrderStatus.ORDERED,
            "may_decide_delivery": roles.orderer and status == OrderStatus.DELIVERED,
            "quote_form": QuoteForm(initial={"words": order.quoted_words or order.counted_words}),
            "deliver_form": DeliverForm(),
        },
    )


def _step(request, order: TranslationOrder, action: str):
    """The service call of a step's form."""
    post = request.POST
    common = {"actor": request.user, "order_id": order.pk}
    if action == "take":
        return lambda: services.order_take(**common)
    if action == "quote":
        form = QuoteForm(post)
        if not form.is_valid():
            raise ApplicationError(_("Give a whole number of words."), code="invalid")
        words = form.cleaned_data["words"]
        return lambda: services.order_quote(
            **common, words=words, reason=form.cleaned_data["reason"]
        )
    if action == "accept-quote":
        return lambda: services.order_quote_accept(**common)
    if action == "decline-quote":
        return lambda: services.order_quote_decline(**common, reason=post.get("reason", ""))
    if action == "cancel":
        return lambda: services.order_cancel(**common, reason=post.get("reason", ""))
    if action == "deliver":
        uploads = request.FILES.getlist("files")
        return lambda: services.order_deliver(**common, uploads=uploads, note=post.get("note", ""))
    if action == "send-back":
        return lambda: services.order_send_back(**common, comments=post.get("comments", ""))
    if action == "accept-delivery":
        return lambda: services.order_delivery_accept(**common)
    raise Http404(_("No such step."))


DONE_MESSAGES = {
    "take": _("The order is yours: read its documents and quote it."),
    "quote": _("The quote is sent to the orderer."),
    "accept-quote": _("The quote is accepted: the translation starts."),
    "decline-quote": _("The quote is declined."),
    "cancel": _("The order is cancelled."),
    "deliver": _("The translation is delivered."),
    "send-back": _("The translation is sent back to the translator."),
    "accept-delivery": _("The translation is accepted; the fee is invoiced to your company."),
}


@login_required
@require_POST
def order_step(request, order_id: int, action: str):
    order = _order(request, order_id)
    try:
        _step(request, order, action)()
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, str(DONE_MESSAGES[action]))
    try:
        selectors.order_get(user=request.user, order_id=order.pk)
    except NotFoundError:  # a translator of another order's queue: it is taken now
        return redirect("frontend:translation-orders")
    return redirect("frontend:translation-order", order.pk)


@login_required
@require_GET
def document_download(request, order_id: int, document_id: int):
    _ids(order_id, document_id)
    try:
        document = selectors.document_get(
            user=request.user, order_id=order_id, document_id=document_id
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:  # seen in the queue, not taken: 403
        messages.error(request, exc.message)
        return redirect("frontend:translation-order", order_id)
    return private_file_response(
        name=document.storage_name,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
@require_GET
def file_download(request, order_id: int, file_id: int):
    _ids(order_id, file_id)
    try:
        found = selectors.delivered_file_get(user=request.user, order_id=order_id, file_id=file_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("frontend:translation-order", order_id)
    return private_file_response(
        name=found.storage_name, filename=found.original_name, content_type=found.content_type
    )


# --- A platform's translators and rates ----------------------------------------------------------


def _platform_page(request, platform: Platform, *, grant_form=None, rate_form=None, status=200):
    return render(
        request,
        "translation_orders/platform.html",
        {
            "platform": platform,
            "translators": selectors.translator_list(platform_id=platform.pk),
            "rates": selectors.rate_list(platform_id=platform.pk),
            "orders": selectors.order_list(
                user=request.user, scope="platform", platform_id=platform.pk
            )[:100],
            "grant_form": grant_form or GrantForm(),
            "rate_form": rate_form or RateForm(),
        },
        status=status,
    )


@login_required
@require_GET
def platform_page(request, platform_id: int):
    return _platform_page(request, _platform(request, platform_id))


@login_required
@require_POST
def translator_grant(request, platform_id: int):
    platform = _platform(request, platform_id)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            platform_settings.translator_grant(
                actor=request.user, platform_id=platform.pk, email=form.cleaned_data["email"]
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
            return _platform_page(request, platform, grant_form=form, status=exc.status_code)
        messages.success(request, _("The person translates for the platform now."))
        return redirect("frontend:translation-platform", platform.pk)
    return _platform_page(request, platform, grant_form=form, status=400)


@login_required
@require_POST
def translator_revoke(request, platform_id: int, user_id: int):
    platform = _platform(request, platform_id)
    _ids(user_id)
    try:
        platform_settings.translator_revoke(
            actor=request.user, platform_id=platform.pk, user_id=user_id
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The person no longer translates for the platform."))
    return redirect("frontend:translation-platform", platform.pk)


@login_required
@require_POST
def rate_set(request, platform_id: int):
    platform = _platform(request, platform_id)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            platform_settings.rate_set(
                actor=request.user, platform_id=platform.pk, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
            return _platform_page(request, platform, rate_form=form, status=exc.status_code)
        messages.success(request, _("The rate is saved."))
        return redirect("frontend:translation-platform", platform.pk)
    return _platform_page(request, platform, rate_form=form, status=400)


@login_required
@require_POST
def rate_delete(request, platform_id: int, rate_id: int):
    platform = _platform(request, platform_id)
    _ids(rate_id)
    try:
        platform_settings.rate_delete(actor=request.user, platform_id=platform.pk, rate_id=rate_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The rate is removed."))
    return redirect("frontend:translation-platform", platform.pk)
