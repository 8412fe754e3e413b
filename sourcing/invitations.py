"""Inviting suppliers to a tender: a registered supplier (from a shortlist, the directory or the
API) through the auction app's invitation, and a company that is not registered yet (a
*prospect*) by e-mail and its tax identifier.

Both keep one ``SupplierInvitation`` row per company and tender: the funnel (``funnel``). Each
function is one transaction; a refusal is an ``ApplicationError`` with a stable code, the
auction app's own for a registered supplier (not verified, already invited, the tender is open
to all or finished...)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.lock_objects import tender_lock
from auctions.models import Tender
from auctions.tenders import invitations as tender_invitations
from auctions.tenders import selectors as tender_selectors
from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError

from . import outbox
from .funnel import row_for_company
from .identifiers import companies_with_identifier, country_clean, identifier_normalise
from .models import Origin, SupplierInvitation
from .selectors import ACCEPTING, visible_company_ids
from .tasks import send_prospect_email

NAME_MAX = 300
PERSON_MAX = 200


class CompanyRegisteredError(ConflictError):
    """The identifier belongs to a registered company: invite it directly. ``company`` is the
    company when the inviting person may read its supplier profile, else None."""

    code = "company_registered"

    def __init__(self, message: str, *, company: Company | None):
        super().__init__(message, fields={"identifier": [message]})
        self.company = company


def _require_manager(*, actor, tender: Tender) -> None:
    if not tender_selectors.user_may_manage_tender(user=actor, tender=tender):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins may do this."),
            code="not_tender_manager",
        )


def supplier_invite(*, actor, tender: Tender, supplier: Company) -> SupplierInvitation:
    """Invite a registered supplier through the auction app's ``tender_invitation_create``
    (its rules and refusals), and enter it in the tender's funnel (as verified: only verified
    suppliers are invited). A prospect that registered with this company's identifier is the
    same row."""
    with transaction.atomic():
        invitation = tender_invitations.tender_invitation_create(
            actor=actor, tender=tender, supplier=supplier
        )
        now = invitation.created_at or timezone.now()
        row = row_for_company(tender_id=tender.pk, company=supplier, lock=True)
        if row is None:
            row = SupplierInvitation.objects.create(
                tender=tender,
                origin=Origin.SUPPLIER,
                company=supplier,
                company_name=supplier.legal_name[:NAME_MAX],
                invited_by=actor,
                invited_at=now,
                registered_at=now,
                verified_at=now,
            )
        row.company = supplier
        row.tender_invitation = invitation
        row.tender_invited_at = row.tender_invited_at or now
        row.auto_invite_problem = ""
        row.registered_at = row.registered_at or now
        row.verified_at = row.verified_at or now
        row.save()
    return row


def _clean_text(value: str, *, field: str, limit: int, errors: dict) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        errors[field] = [_("At most %(n)s characters.") % {"n": limit}]
    return value


def _clean_prospect(
    *, email: str, country: str, identifier: str, company_name: str, person_name: str
) -> dict:
    """The prospect's fields checked and normalised; every field's problem at once (400)."""
    errors: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    try:
        country = country_clean(country)
    except ApplicationError as exc:
        errors.update(exc.fields)
    else:
        try:
            identifier = identifier_normalise(country=country, identifier=identifier)
        except ApplicationError as exc:
            errors.update(exc.fields)
    cleaned = {
        "email": email,
        "country": country,
        "identifier": identifier,
        "company_name": _clean_text(
            company_name, field="company_name", limit=NAME_MAX, errors=errors
        ),
        "person_name": _clean_text(
            person_name, field="person_name", limit=PERSON_MAX, errors=errors
        ),
    }
    if errors:
        message = (
            next(iter(errors.values()))[0] if len(errors) == 1 else _("Some fields are not valid.")
        )
        code = "invalid_identifier" if set(errors) == {"identifier"} else "invalid"
        raise ApplicationError(message, code=code, fields=errors)
    return cleaned


def _registered_error(*, actor, company: Company) -> CompanyRegisteredError:
    if company.pk in visible_company_ids(user=actor, company_ids={company.pk}):
        message = _(
            "%(company)s is already registered on Tradefloor with this identifier: invite it "
            "as a registered supplier instead."
        ) % {"company": company.legal_name}
        return CompanyRegisteredError(message, company=company)
    message = _(
        "A company with this identifier is already registered on Tradefloor, but it is not in "
        "the supplier directory yet (it is not a verified supplier): it can be invited once it is."
    )
    return CompanyRegisteredError(message, company=None)


def _daily_limit_check(*, tender: Tender, now) -> None:
    limit = settings.SOURCING_PROSPECTS_PER_DAY
    recent = SupplierInvitation.objects.filter(
        tender__buyer_id=tender.buyer_id,
        origin=Origin.PROSPECT,
        invited_at__gte=now - timedelta(days=1),
    ).count()
    if recent >= limit:
        raise ApplicationError(
            _(
                "Your company has invited %(n)s companies by e-mail in the last 24 hours; try "
                "again later."
            )
            % {"n": recent},
            code="too_many_prospects",
            status_code=429,
        )


def _already_invited() -> ConflictError:
    message = _("A company with this identifier is already invited to this tender.")
    return ConflictError(message, code="already_invited", fields={"identifier": [message]})


def prospect_invite(
    *,
    actor,
    tender: Tender,
    email: str,
    country: str,
    identifier: str,
    company_name: str = "",
    person_name: str = "",
    language: str = "",
) -> SupplierInvitation:
    """Invite a company that is not registered yet to ``tender`` (a draft or published tender
    of the actor's buyer, open or by invitation): the row, ``sourcing.prospect_invited`` (the
    CRM's lead) and, after the commit, the e-mail with the sign-up link. Refused: an identifier
    already invited to the tender (409 ``already_invited``), one a registered company has (409
    ``company_registered``, naming it only when the actor may read its profile)."""
    _require_manager(actor=actor, tender=tender)
    fields = _clean_prospect(
        email=email,
        country=country,
        identifier=identifier,
        company_name=company_name,
        person_name=person_name,
    )
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        if tender.status not in ACCEPTING:
            raise ConflictError(_("This tender is finished."), code="tender_finished")
        if SupplierInvitation.objects.filter(
            tender=tender, country=fields["country"], identifier=fields["identifier"]
        ).exists():
            raise _already_invited()
        registered = companies_with_identifier(
            country=fields["country"], identifier=fields["identifier"]
        ).first()
        if registered is not None:
            raise _registered_error(actor=actor, company=registered)
        now = timezone.now()
        _daily_limit_check(tender=tender, now=now)
        try:
            with transaction.atomic():
                row = SupplierInvitation.objects.create(
                    tender=tender,
                    origin=Origin.PROSPECT,
                    invited_by=actor,
                    invited_at=now,
                    language=(language or settings.LANGUAGE_CODE)[:8],
                    **fields,
                )
        except IntegrityError as exc:  # the same identifier, invited meanwhile
            raise _already_invited() from exc
        outbox.prospect_invited(invitation=row, actor=actor)
        transaction.on_commit(lambda: _enqueue_email(row.pk), robust=True)
    return row


def _enqueue_email(invitation_id: int) -> None:
    send_prospect_email.delay(invitation_id)
