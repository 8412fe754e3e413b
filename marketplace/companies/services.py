"""Writes about companies, their people and invitations.

Every function here is one whole change: it runs in one transaction, checks the domain rules
and raises ``ApplicationError`` (or a subclass) with a stable code when a rule refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.services import event_emit

from . import identifiers as ids
from .models import Company, Invitation, Membership, MembershipRole, VerificationStatus
from .selectors import company_admin_count, invitation_open_for, user_has_company_role

# Where the invitation e-mail's link points; ``{token}`` is replaced. Relative paths are
# joined to the site the invitation was sent from.
DEFAULT_INVITATION_ACCEPT_PATH = "/invitations/accept/?token={token}"

# Fields a company admin may edit with ``company_update``.
COMPANY_EDITABLE_FIELDS = (
    "legal_name",
    "country",
    "registration_number",
    "tax_id",
    "address",
    "city",
    "postal_code",
    "website",
    "email",
    "phone",
    "is_buyer",
    "is_supplier",
)
# Fields that identify the company and are checked during verification.
IDENTIFIER_FIELDS = ("country", "registration_number", "tax_id")

_IDENTIFIER_LABELS = {
    "registration_number": gettext_lazy("registration number"),
    "tax_id": gettext_lazy("tax identifier"),
}


# --- helpers -------------------------------------------------------------------------------


def _require_company_admin(*, user, company: Company) -> None:
    if not user_has_company_role(user=user, company=company, roles=[MembershipRole.COMPANY_ADMIN]):
        raise PermissionDeniedError(
            _("Only a company admin may do this."), code="not_company_admin"
        )


def _lock_company(company: Company) -> Company:
    """Take the company's row lock: the one place that serialises changes to its people."""
    return Company.objects.select_for_update().get(pk=company.pk)


def _normalise_identifiers(*, country: str, registration_number: str, tax_id: str):
    try:
        return ids.normalise(country, registration_number, tax_id)
    except ids.IdentifierError as exc:
        raise ApplicationError(
            _("The company identifiers are not valid."),
            code="invalid_identifier",
            fields=exc.errors,
        ) from exc


def _check_identifiers_free(
    *, country: str, registration_number: str, tax_id: str, exclude_pk: int | None = None
) -> None:
    for field, value in (("registration_number", registration_number), ("tax_id", tax_id)):
        if not value:
            continue
        qs = Company.objects.filter(country=country, **{field: value})
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        if qs.exists():
            raise _identifier_taken(field=field, value=value)


def _identifier_taken(*, field: str, value: str) -> ConflictError:
    message = _("A company with the %(label)s %(value)s is already registered.") % {
        "label": _IDENTIFIER_LABELS[field],
        "value": value,
    }
    return ConflictError(message, code="identifier_taken", fields={field: [message]})


def _integrity_to_conflict(exc: IntegrityError, *, registration_number: str, tax_id: str):
    text = str(exc)
    if "company_unique_tax_id" in text or ("tax_id" in text and "registration" not in text):
        return _identifier_taken(field="tax_id", value=tax_id)
    if registration_number:
        return _identifier_taken(field="registration_number", value=registration_number)
    return _identifier_taken(field="tax_id", value=tax_id)


def _check_roles(*, is_buyer: bool, is_supplier: bool) -> None:
    if not (is_buyer or is_supplier):
        message = _("A company must buy, supply or both: choose at least one.")
        raise ApplicationError(
            message,
            code="no_company_role",
            fields={"is_buyer": [message], "is_supplier": [message]},
        )


# --- companies -----------------------------------------------------------------------------


def company_identifiers_check(
    *, country: str, registration_number: str = "", tax_id: str = ""
) -> ids.Identifiers:
    """The identifiers ``company_register`` would store, checked as it checks them (valid for
    the country, not registered yet), without writing anything: forms call it to say what is
    wrong while the person types. Raises ``invalid_identifier`` or ``identifier_taken``."""
    country = (country or "").upper()
    normalised = _normalise_identifiers(
        country=country, registration_number=registration_number, tax_id=tax_id
    )
    _check_identifiers_free(
        country=country,
        registration_number=normalised.registration_number,
        tax_id=normalised.tax_id,
    )
    return normalised


def company_register(
    *,
    user,
    legal_name: str,
    country: str,
    registration_number: str = "",
    tax_id: str = "",
    address: str = "",
    city: str = "",
    postal_code: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    is_buyer: bool = False,
    is_supplier: bool = False,
) -> Company:
    """Register a company; ``user`` becomes its company admin. The company starts unverified;
    ``company.registered`` tells the other domains.

    The same identifier (per country) cannot register twice: a friendly check first, the
    database's unique constraints as the backstop for two registrations racing.
    """
    country = (country or "").upper()
    _check_roles(is_buyer=is_buyer, is_supplier=is_supplier)
    normalised = company_identifiers_check(
        country=country, registration_number=registration_number, tax_id=tax_id
    )
    try:
        with transaction.atomic():
            company = Company.objects.create(
                legal_name=legal_name.strip(),
                country=country,
                registration_number=normalised.registration_number,
                tax_id=normalised.tax_id,
                address=address,
                city=city,
                postal_code=postal_code,
                website=website,
                email=(email or "").lower(),
                phone=phone,
                is_buyer=is_buyer,
                is_supplier=is_supplier,
                verification_status=VerificationStatus.UNVERIFIED,
                created_by=user,
            )
            Membership.objects.create(user=user, company=company, role=MembershipRole.COMPANY_ADMIN)
            event_emit(
                "company.registered",
                company=company,
                actor=user,
                payload={"company": company.pk},
            )
    except IntegrityError as exc:
        raise _integrity_to_conflict(
            exc,
            registration_number=normalised.registration_number,
            tax_id=normalised.tax_id,
        ) from exc
    return company


def company_update(*, company: Company, user, data: dict) -> Company:
    """Change a company's details (company admins only).

    Identifiers (country, registration number, tax identifier) may change only while the
    company is unverified: once it is under verification or verified they are what was checked.
    """
    _require_company_admin(user=user, company=company)
    unknown = set(data) - set(COMPANY_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    try:
        with transaction.atomic():
            company = _lock_company(company)
            changed_ids = [
                f for f in IDENTIFIER_FIELDS if f in data and _differs(company, f, data[f])
            ]
            if changed_ids and company.verification_status != VerificationStatus.UNVERIFIED:
                message = _(
                    "The identifiers cannot be changed once verification has started: they are "
                    "part of the verification. Contact the platform operator to correct them."
                )
                raise ApplicationError(
                    message,
                    code="identifiers_locked",
                    fields={f: [message] for f in changed_ids},
                )
            if changed_ids:
                country = str(data.get("country", company.country)).upper()
                normalised = _normalise_identifiers(
                    country=country,
                    registration_number=data.get(
                        "registration_number", company.registration_number
                    ),
                    tax_id=data.get("tax_id", company.tax_id),
                )
                _check_identifiers_free(
                    country=country,
                    registration_number=normalised.registration_number,
                    tax_id=normalised.tax_id,
                    exclude_pk=company.pk,
                )
                company.country = country
                company.registration_number = normalised.registration_number
                company.tax_id = normalised.tax_id
            _check_roles(
                is_buyer=data.get("is_buyer", company.is_buyer),
                is_supplier=data.get("is_supplier", company.is_supplier),
            )
            for field in COMPANY_EDITABLE_FIELDS:
                if field in data and field not in IDENTIFIER_FIELDS:
                    value = data[field]
                    if field == "email":
                        value = (value or "").lower()
                    setattr(company, field, value)
            company.save()
    except IntegrityError as exc:
        raise _integrity_to_conflict(
            exc, registration_number=company.registration_number, tax_id=company.tax_id
        ) from exc
    return company


def _differs(company: Company, field: str, value) -> bool:
    current = getattr(company, field) or ""
    new = (value or "").strip()
    if field == "country":
        return current.upper() != new.upper()
    return ids._free_form(current) != ids._free_form(new)


# --- memberships ---------------------------------------------------------------------------


def _validate_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    if not roles:
        raise ApplicationError(
            _("Give the person at least one role, or remove them from the company."),
            code="no_roles",
            fields={"roles": [_("At least one role is required.")]},
        )
    unknown = [r for r in roles if r not in MembershipRole.values]
    if unknown:
        raise ApplicationError(
            _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)},
            code="unknown_role",
            fields={"roles": [_("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}]},
        )
    return roles


def _refuse_if_last_admin(*, company: Company, person) -> None:
    is_admin = Membership.objects.filter(
        company=company, user=person, role=MembershipRole.COMPANY_ADMIN
    ).exists()
    if is_admin and company_admin_count(company=company) <= 1:
        raise ApplicationError(
            _("%(person)s is the company's last admin. Make someone else a company admin first.")
            % {"person": person.email},
            code="last_company_admin",
        )


def _member_or_404(*, company: Company, person) -> None:
    if not Membership.objects.filter(company=company, user=person).exists():
        raise NotFoundError(
            _("This person is not a member of the company."), code="member_not_found"
        )


def membership_set_roles(*, company: Company, actor, person, roles: Iterable[str]) -> list[str]:
    """Replace ``person``'s roles in ``company`` with ``roles`` (company admins only).

    The company always keeps at least one company admin.
    """
    roles = _validate_roles(roles)
    with transaction.atomic():
        company = _lock_company(company)
        _require_company_admin(user=actor, company=company)
        _member_or_404(company=company, person=person)
        if MembershipRole.COMPANY_ADMIN not in roles:
            _refuse_if_last_admin(company=company, person=person)
        Membership.objects.filter(company=company, user=person).exclude(role__in=roles).delete()
        existing = set(
            Membership.objects.filter(company=company, user=person).values_list("role", flat=True)
        )
        Membership.objects.bulk_create(
            [Membership(company=company, user=person, role=r) for r in roles if r not in existing]
        )
    return roles


def membership_remove(*, company: Company, actor, person) -> None:
    """Remove ``person`` from ``company`` (company admins only; not the last admin)."""
    with transaction.atomic():
        company = _lock_company(company)
        _require_company_admin(user=actor, company=company)
        _member_or_404(company=company, person=person)
        _refuse_if_last_admin(company=company, person=person)
        Membership.objects.filter(company=company, user=person).delete()


def membership_leave(*, company: Company, user) -> None:
    """``user`` leaves ``company``. The last company admin must hand over first."""
    with transaction.atomic():
        company = _lock_company(company)
        _member_or_404(company=company, person=user)
        _refuse_if_last_admin(company=company, person=user)
        Membership.objects.filter(company=company, user=user).delete()


# --- invitations ---------------------------------------------------------------------------


def invitation_create(
    *, company: Company, invited_by, email: str, role: str, accept_url_base: str = ""
) -> Invitation:
    """Invite ``email`` to join ``company`` with ``role`` (company admins only).

    Refused while the person already has an open invitation or already belongs to the company;
    an expired invitation is closed and replaced. The e-mail goes out after commit.
    """
    from marketplace.users.models import User

    email = User.objects.normalize_email((email or "").strip()).lower()
    if role not in MembershipRole.values:
        raise ApplicationError(
            _("Unknown role: %(roles)s.") % {"roles": role},
            code="unknown_role",
            fields={"role": [_("Unknown role: %(roles)s.") % {"roles": role}]},
        )
    with transaction.atomic():
        company = _lock_company(company)
        _require_company_admin(user=invited_by, company=company)
        if Membership.objects.filter(company=company, user__email__iexact=email).exists():
            raise ConflictError(
                _("%(email)s is already a member of this company; change their roles instead.")
                % {"email": email},
                code="already_member",
            )
        if invitation_open_for(company=company, email=email) is not None:
            raise ConflictError(
                _(
                    "%(email)s already has an open invitation to this company. Revoke it "
                    "before inviting again."
                )
                % {"email": email},
                code="invitation_already_open",
            )
        now = timezone.now()
        # An expired invitation does not block a new one: close it first.
        Invitation.objects.filter(
            company=company,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expired_at__isnull=True,
            expires_at__lte=now,
        ).update(expired_at=now)
        invitation = Invitation.objects.create(
            company=company,
            email=email,
            role=role,
            invited_by=invited_by,
            expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        transaction.on_commit(
            lambda: _enqueue_invitation_email(invitation.pk, accept_url_base), robust=True
        )
    return invitation


def _enqueue_invitation_email(invitation_id: int, accept_url_base: str) -> None:
    from .tasks import send_invitation_email

    send_invitation_email.delay(invitation_id, accept_url_base)


def invitation_accept_url(*, invitation: Invitation, base: str = "") -> str:
    template = getattr(settings, "INVITATION_ACCEPT_PATH", DEFAULT_INVITATION_ACCEPT_PATH)
    path = template.format(token=invitation.token)
    if path.startswith(("http://", "https://")):
        return path
    return base.rstrip("/") + path


def invitation_send_email(*, invitation: Invitation, accept_url_base: str = "") -> None:
    """Send the invitation e-mail with its accept link (called from the task)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    context = {
        "invitation": invitation,
        "company": invitation.company,
        "inviter": invitation.invited_by,
        "role": invitation.get_role_display(),
        "accept_url": invitation_accept_url(invitation=invitation, base=accept_url_base),
        "token": invitation.token,
    }
    subject = render_to_string("companies/email/invitation_subject.txt", context).strip()
    body = render_to_string("companies/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    """Revoke an invitation that has not been answered (company admins only)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _require_company_admin(user=actor, company=invitation.company)
        if invitation.accepted_at is not None:
            raise ConflictError(
                _("This invitation has already been accepted; remove the member instead."),
                code="invitation_used",
            )
        if invitation.revoked_at is not None:
            raise ConflictError(
                _("This invitation has already been revoked."), code="invitation_revoked"
            )
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = actor
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def invitation_accept(*, token: str, user) -> Membership:
    """Accept the invitation carrying ``token`` as ``user``, whose e-mail must match it.

    Creates the membership and closes the invitation in one transaction.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("company")
            .filter(token=token or "")
            .first()
        )
        if invitation is None:
            raise NotFoundError(
                _("This invitation link is not valid. Ask for a new invitation."),
                code="invitation_not_found",
            )
        if invitation.accepted_at is not None:
            raise ConflictError(_("This invitation has already been used."), code="invitation_used")
        if invitation.revoked_at is not None:
            raise ApplicationError(
                _("This invitation has been revoked by the company."),
                code="invitation_revoked",
            )
        if invitation.is_expired:
            raise ApplicationError(
                _("This invitation has expired. Ask the company admin for a new one."),
                code="invitation_expired",
            )
        if (user.email or "").lower() != invitation.email.lower():
            raise PermissionDeniedError(
                _("This invitation was sent to %(email)s. Log in with that account to accept it.")
                % {"email": invitation.email},
                code="invitation_wrong_account",
            )
        membership, _created = Membership.objects.get_or_create(
            user=user, company=invitation.company, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitations_expire() -> int:
    """Close every invitation past its expiry. Safe to run again; returns how many closed."""
    now = timezone.now()
    with transaction.atomic():
        return Invitation.objects.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expired_at__isnull=True,
            expires_at__lte=now,
        ).update(expired_at=now)
