"""What a company's people are told about its money with the platform: an invoice issued to it
and its payment (the paying company's staff), and a bid security's changes (the supplier's
staff; the buyer's, when a bank guarantee waits for their check). A supplier hears only of its
own security. Imported by ``listeners`` (the module the events app discovers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from auctions.models import Lot
from deals.models import SecurityState
from marketplace.events.registry import listener

from .models import Kind
from .people import BUYER_ROLES, PAYER_ROLES, SUPPLIER_ROLES, company_people
from .services import notify


def _invoice_url(payload: dict) -> str:
    if payload["order"]:
        return reverse("frontend:order", args=[payload["order"]])
    return ""


@listener("invoice.issued", "invoice.paid", name="notifications.invoice")
def invoice_changed(event) -> None:
    payload = event.payload
    issued = event.type == "invoice.issued"

    def build():
        names = {"number": payload["number"], "amount": payload["amount"]}
        names["currency"] = payload["currency"]
        if issued and not payload["order"]:  # a platform service (a translation on order)
            return (
                _("Invoice %(number)s: %(amount)s %(currency)s to pay") % names,
                _(
                    "The platform's service (a translation your company ordered) is invoiced as "
                    "%(number)s, %(amount)s %(currency)s."
                )
                % names,
            )
        if issued:
            return (
                _("Invoice %(number)s: %(amount)s %(currency)s to pay") % names,
                _(
                    "The platform's commission for your deal is invoiced as %(number)s, "
                    "%(amount)s %(currency)s. Pay it from the order's page."
                )
                % names,
            )
        return (
            _("Invoice %(number)s is paid") % names,
            _("The payment of invoice %(number)s (%(amount)s %(currency)s) was received.") % names,
        )

    notify(
        users=company_people(payload["company"], PAYER_ROLES),
        kind=Kind.PAYMENT_UPDATE,
        key=f"invoice:{event.pk}",
        build=build,
        url=_invoice_url(payload),
        event=event,
    )


@listener("bid_security.changed", name="notifications.bid_security")
def bid_security_changed(event) -> None:
    payload = event.payload
    lot = Lot.objects.select_related("tender").filter(pk=payload["lot"]).first()
    if lot is None:
        return
    status = payload["status"]
    url = reverse("frontend:tender", args=[lot.tender_id])
    names = {"lot": lot.title, "tender": lot.tender.title}

    if status == SecurityState.PENDING:  # a guarantee uploaded: the buyer checks it

        def for_buyer():
            return (
                _("A bank guarantee to check: %(lot)s") % names,
                _(
                    "A supplier uploaded a bank guarantee as its bid security for lot “%(lot)s” "
                    "of the tender “%(tender)s”. Accept or reject it before deciding on its "
                    "application."
                )
                % names,
            )

        notify(
            users=company_people(lot.tender.buyer_id, BUYER_ROLES),
            kind=Kind.PAYMENT_UPDATE,
            key=f"bid_security:{event.pk}",
            build=for_buyer,
            url=url,
            event=event,
        )
        return

    def for_supplier():
        texts = {
            SecurityState.PROVIDED: _("Your bid security for lot “%(lot)s” is provided."),
            SecurityState.REJECTED: _(
                "Your bank guarantee for lot “%(lot)s” was rejected: %(reason)s. Provide "
                "another to be admitted."
            ),
            SecurityState.RELEASED: _("Your bid security for lot “%(lot)s” is released."),
            SecurityState.FORFEITED: _(
                "Your bid security for lot “%(lot)s” is forfeited: %(reason)s"
            ),
        }
        text = texts.get(status, _("Your bid security for lot “%(lot)s” changed."))
        body = text % {**names, "reason": payload["reason"]}
        return _("Bid security: %(lot)s") % names, body

    notify(
        users=company_people(payload["supplier"], SUPPLIER_ROLES),
        kind=Kind.PAYMENT_UPDATE,
        key=f"bid_security:{event.pk}",
        build=for_supplier,
        url=url,
        event=event,
    )
