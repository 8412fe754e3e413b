"""Who is told of a translation order's steps (``notifications``, kind ``translation_order``):

* placed: the platform's translators (a new order in their queue);
* quoted, delivered: the ordering company's people who decide on its orders;
* quote accepted, declined, cancelled, sent back, delivery accepted: the order's translator.

Each notification is keyed by the event, so a delivery repeated tells nobody twice."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.companies.models import Membership
from marketplace.events.registry import listener
from notifications.models import Kind
from notifications.services import notify

from .models import PlatformTranslator, TranslationOrder
from .selectors import ORDERER_ROLES


def _orderers(order: TranslationOrder) -> list:
    ids = Membership.objects.filter(
        company_id=order.company_id, role__in=list(ORDERER_ROLES[order.side])
    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _translators(order: TranslationOrder) -> list:
    ids = PlatformTranslator.objects.filter(
        platform_id=order.platform_id, revoked_at__isnull=True
    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _messages(order: TranslationOrder, action: str) -> tuple[str, str]:
    names = {
        "number": order.number,
        "source": order.get_source_language_display(),
        "target": order.get_target_language_display(),
        "company": order.company.legal_name,
        "words": order.words or 0,
        "round": order.round,
    }
    texts = {
        "placed": (
            _("New translation order %(number)s: %(source)s → %(target)s"),
            _("%(company)s ordered a translation (%(words)s words counted). Take it to quote it."),
        ),
        "quoted": (
            _("Translation order %(number)s is quoted"),
            _("%(words)s words. Accept or decline the quote."),
        ),
        "delivered": (
            _("Translation order %(number)s is delivered"),
            _("The translated files of round %(round)s are ready. Accept them or send them back."),
        ),
        "quote_accepted": (
            _("Translation order %(number)s: the quote is accepted"),
            _("%(company)s accepted your quote. The translation may start."),
        ),
        "quote_declined": (
            _("Translation order %(number)s: the quote is declined"),
            _("%(company)s declined your quote; the order is closed."),
        ),
        "cancelled": (
            _("Translation order %(number)s is cancelled"),
            _("%(company)s cancelled the order."),
        ),
        "sent_back": (
            _("Translation order %(number)s is sent back"),
            _("%(company)s asks for changes: round %(round)s. Read the comments."),
        ),
        "completed": (
            _("Translation order %(number)s is done"),
            _("%(company)s accepted the translation."),
        ),
    }
    title, body = texts[action]
    return title % names, body % names


@listener(
    "translation_order.placed",
    "translation_order.quoted",
    "translation_order.delivered",
    "translation_order.quote_accepted",
    "translation_order.quote_declined",
    "translation_order.cancelled",
    "translation_order.sent_back",
    "translation_order.completed",
    name="translation_orders.notify",
)
def tell(event) -> None:
    order = (
        TranslationOrder.objects.select_related("company", "translator")
        .filter(pk=event.payload["order"])
        .first()
    )
    if order is None:
        return
    action = event.type.rpartition(".")[2]
    if action == "placed":
        people = _translators(order)
    elif action in ("quoted", "delivered"):
        people = _orderers(order)
    else:
        people = [order.translator] if order.translator else []
    notify(
        users=people,
        kind=Kind.TRANSLATION_ORDER,
        key=f"translation_order:{event.pk}",
        build=lambda: _messages(order, action),
        url=reverse("frontend:translation-order", args=[order.pk]),
        event=event,
    )
