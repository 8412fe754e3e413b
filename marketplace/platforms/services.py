"""Writes about platforms and participation in them.

Participation moves through one transitions table (``TRANSITIONS``); every move writes its
append-only ``PlatformMembershipEvent`` in the same transaction, naming who, when and why.

    (none) --apply--> applied --accept--> accepted --suspend--> suspended --accept--> accepted
                         \\--refuse--> refused --apply--> applied (a refused company may re-apply)
    (none|applied|refused|suspended) --add (platform admins)--> accepted

On a public platform that does not need approval an application is accepted at once. A
dedicated platform always needs approval; its owner is a participant from the start and cannot
be refused or suspended.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.models import Company, MembershipRole
from marketplace.companies.selectors import user_company_ids, user_has_company_role
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.services import event_emit

from .models import (
    ParticipationAction,
    ParticipationStatus,
    Platform,
    PlatformAdmin,
    PlatformKind,
    PlatformMembership,
    PlatformMembershipEvent,
)
from .selectors import user_is_platform_admin

# Fields a platform admin may change; kind, owner and slug are set once by the operator.
RULE_FIELDS = (
    "default_currency",
    "default_auction_format",
    "default_min_step_percent",
    "default_soft_close_window_minutes",
    "default_soft_close_extension_minutes",
    "default_auction_duration_minutes",
    "default_visibility",
    "min_participants",
    "membership_requires_approval",
)
UPDATABLE_FIELDS = ("name", "description", *RULE_FIELDS)

# action -> the statuses it may start from, and the status it leads to
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    ParticipationAction.ACCEPTED: (
        frozenset({ParticipationStatus.APPLIED, ParticipationStatus.SUSPENDED}),
        ParticipationStatus.ACCEPTED,
    ),
    ParticipationAction.REFUSED: (
        frozenset({ParticipationStatus.APPLIED}),
        ParticipationStatus.REFUSED,
    ),
    ParticipationAction.SUSPENDED: (
        frozenset({ParticipationStatus.ACCEPTED}),
        ParticipationStatus.SUSPENDED,
    ),
}


# --- Platforms --------------------------------------------------------------------------------


def _require_staff(actor) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDeniedError(
            _("Only the marketplace operator's staff may do this."), code="staff_only"
        )


def _require_platform_admin(actor, platform: Platform) -> None:
    if not user_is_platform_admin(user=actor, platform=platform):
        raise PermissionDeniedError(
            _("Only this platform's admins may do this."), code="not_platform_admin"
        )


def _rule_errors(platform: Platform) -> dict[str, list[str]]:
    """Rules that tie several fields together (single-field ranges are model validators)."""
    errors: dict[str, list[str]] = {}
    window = platform.default_soft_close_window_minutes
    extension = platform.default_soft_close_extension_minutes
    duration = platform.default_auction_duration_minutes
    if isinstance(window, int) and isinstance(extension, int) and (window == 0) != (extension == 0):
        errors.setdefault("default_soft_close_extension_minutes", []).append(
            _("The soft close needs both a window and an extension; set both to 0 to turn it off.")
        )
    if isinstance(window, int) and isinstance(duration, int) and window >= duration:
        errors.setdefault("default_soft_close_window_minutes", []).append(
            _("The soft close window must be shorter than the auction itself.")
        )
    if platform.kind == PlatformKind.DEDICATED and not platform.membership_requires_approval:
        errors.setdefault("membership_requires_approval", []).append(
            _("On a dedicated platform others join only when its admins accept them.")
        )
    return errors


def _validate_platform(platform: Platform) -> None:
    errors: dict[str, list[str]] = {}
    try:
        platform.full_clean(validate_constraints=False)
    except DjangoValidationError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
    for key, msgs in _rule_errors(platform).items():
        errors.setdefault(key, []).extend(msgs)
    if (
        "slug" in errors
        and Platform.objects.filter(slug=platform.slug).exclude(pk=platform.pk).exists()
    ):
        raise ConflictError(
            _("Another platform already uses this address (slug)."),
            code="slug_taken",
            fields={"slug": [_("Another platform already uses this address (slug).")]},
        )
    if errors:
        raise ApplicationError(
            _("Some of the platform's settings are not valid."),
            code="invalid_platform",
            fields=errors,
        )


def platform_create(
    *,
    actor,
    name: str,
    slug: str,
    kind: str = PlatformKind.PUBLIC,
    owner: Company | None = None,
    description: str = "",
    **rules,
) -> Platform:
    """Operator staff create a platform. A dedicated platform's owner becomes its first
    participant, recorded as added by ``actor``."""
    _require_staff(actor)
    unknown = set(rules) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"platform_create() got unexpected rules: {sorted(unknown)}")
    if kind == PlatformKind.DEDICATED and owner is None:
        raise ApplicationError(
            _("A dedicated platform needs the client it belongs to."),
            code="owner_required",
            fields={"owner": [_("Choose the client company this platform is dedicated to.")]},
        )
    if kind == PlatformKind.PUBLIC and owner is not None:
        raise ApplicationError(
            _("A public platform belongs to no client."),
            code="owner_not_allowed",
            fields={"owner": [_("Leave the client empty for a public platform.")]},
        )
    platform = Platform(
        name=name, slug=slug, kind=kind, owner=owner, description=description, **rules
    )
    _validate_platform(platform)
    try:
        with transaction.atomic():
            platform.save()
            if owner is not None:
                membership = PlatformMembership.objects.create(
                    platform=platform,
                    company=owner,
                    status=ParticipationStatus.ACCEPTED,
                    applied_by=actor,
                    decided_by=actor,
                    decided_at=timezone.now(),
                    reason=_("Owner of the dedicated platform."),
                )
                _record(
                    membership,
                    action=ParticipationAction.ADDED,
                    before="",
                    actor=actor,
                    reason=membership.reason,
                )
    except IntegrityError as exc:  # a concurrent create took the slug
        raise ConflictError(
            _("Another platform already uses this address (slug)."), code="slug_taken"
        ) from exc
    return platform


def platform_update(*, actor, platform: Platform, **changes) -> Platform:
    """Platform admins change the name, description and default auction rules."""
    _require_platform_admin(actor, platform)
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TypeError(f"platform_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Platform.objects.select_for_update().get(pk=platform.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        _validate_platform(locked)
        locked.save(update_fields=list(changes) or None)
    return locked


def platform_admin_add(*, actor, platform: Platform, email: str) -> PlatformAdmin:
    """Operator staff name the person registered with ``email`` an admin of ``platform``."""
    _require_staff(actor)
    user = get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not user.is_active:
        message = (
            _("Nobody is registered with this e-mail address.")
            if user is None
            else _("This person's account is deactivated.")
        )
        raise ApplicationError(
            message,
            code="user_not_found" if user is None else "user_inactive",
            fields={"email": [message]},
        )
    try:
        with transaction.atomic():
            return PlatformAdmin.objects.create(platform=platform, user=user)
    except IntegrityError as exc:
        raise ConflictError(
            _("This person already administers the platform."), code="already_admin"
        ) from exc


def platform_admin_remove(*, actor, platform: Platform, user_id: int) -> None:
    _require_staff(actor)
    deleted, _count = PlatformAdmin.objects.filter(platform=platform, user_id=user_id).delete()
    if not deleted:
        raise NotFoundError(_("This person does not administer the platform."), code="not_an_admin")


# --- Participation ----------------------------------------------------------------------------


def _record(
    membership: PlatformMembership, *, action: str, before: str, actor, reason: str = ""
) -> PlatformMembershipEvent:
    """The membership's audit row, and the change told to the other domains (in the same
    transaction): ``platform.membership_changed``, and ``company.access_changed`` when the
    company gains or loses the right to trade on the platform."""
    record = PlatformMembershipEvent.objects.create(
        membership=membership,
        action=action,
        status_before=before,
        status_after=membership.status,
        actor=actor,
        reason=reason,
    )
    company, platform = membership.company_id, membership.platform_id
    event_emit(
        "platform.membership_changed",
        company=company,
        platform=platform,
        actor=actor,
        payload={
            "platform": platform,
            "company": company,
            "membership": membership.pk,
            "status_before": before or None,
            "status_after": membership.status,
        },
    )
    if (before == ParticipationStatus.ACCEPTED) != (
        membership.status == ParticipationStatus.ACCEPTED
    ):
        event_emit(
            "company.access_changed",
            company=company,
            platform=platform,
            payload={"company": company, "reason": f"platform membership {membership.status}"},
        )
    return record


def _lock(membership: PlatformMembership) -> PlatformMembership:
    return (
        PlatformMembership.objects.select_for_update()
        .select_related("platform", "company")
        .get(pk=membership.pk)
    )


def _require_reason(reason: str, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the reason for the %(what)s: the company will see it.") % {"what": what}
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    return reason


def _is_owner(membership: PlatformMembership) -> bool:
    return membership.platform.owner_id == membership.company_id


def membership_apply(
    *, actor, platform: Platform, company: Company, message: str = ""
) -> PlatformMembership:
    """A company admin applies for ``company`` to trade on ``platform``.

    One participation per platform and company: a pending or accepted one is a conflict; a
    suspended company waits for the admins; a refused one may apply again.
    """
    if company.pk not in user_company_ids(user=actor):
        raise NotFoundError(_("No such company."), code="company_not_found")
    if not user_has_company_role(user=actor, company=company, roles=[MembershipRole.COMPANY_ADMIN]):
        raise PermissionDeniedError(
            _("Only the company's admins may apply for it to join a platform."),
            code="not_company_admin",
        )
    if not platform.is_active:
        raise ApplicationError(
            _("This platform is closed and takes no new participants."), code="platform_inactive"
        )
    message = (message or "").strip()
    auto_accept = platform.kind == PlatformKind.PUBLIC and not platform.membership_requires_approval
    now = timezone.now()
    try:
        with transaction.atomic():
            existing = (
                PlatformMembership.objects.select_for_update()
                .filter(platform=platform, company=company)
                .first()
            )
            if existing is None:
                membership = PlatformMembership.objects.create(
                    platform=platform, company=company, message=message, applied_by=actor
                )
                _record(
                    membership,
                    action=ParticipationAction.APPLIED,
                    before="",
                    actor=actor,
                    reason=message,
                )
            else:
                _refuse_reapplication(existing)
                membership = existing
                membership.status = ParticipationStatus.APPLIED
                membership.message = message
                membership.applied_by = actor
                membership.applied_at = now
                membership.decided_by = None
                membership.decided_at = None
                membership.reason = ""
                membership.save()
                _record(
                    membership,
                    action=ParticipationAction.REAPPLIED,
                    before=ParticipationStatus.REFUSED,
                    actor=actor,
                    reason=message,
                )
            if auto_accept:
                before = membership.status
                membership.status = ParticipationStatus.ACCEPTED
                membership.decided_at = now
                membership.reason = _("Accepted automatically: this platform needs no approval.")
                membership.save(update_fields=["status", "decided_at", "reason"])
                _record(
                    membership,
                    action=ParticipationAction.ACCEPTED,
                    before=before,
                    actor=None,
                    reason=membership.reason,
                )
    except IntegrityError as exc:  # a concurrent application won the race
        raise ConflictError(
            _("This company has already applied to this platform."), code="already_applied"
        ) from exc
    return membership


def _refuse_reapplication(existing: PlatformMembership) -> None:
    if existing.status == ParticipationStatus.APPLIED:
        raise ConflictError(
            _("This company has already applied to this platform; wait for the decision."),
            code="already_applied",
        )
    if existing.status == ParticipationStatus.ACCEPTED:
        raise ConflictError(
            _("This company already trades on this platform."), code="already_participant"
        )
    if existing.status == ParticipationStatus.SUSPENDED:
        raise ConflictError(
            _(
                "This company's participation is suspended; only the platform's admins can "
                "lift the suspension."
            ),
            code="participation_suspended",
        )


def _decide(
    *, actor, membership: PlatformMembership, action: str, reason: str
) -> PlatformMembership:
    _require_platform_admin(actor, membership.platform)
    allowed_from, to_status = TRANSITIONS[action]
    with transaction.atomic():
        locked = _lock(membership)
        if locked.status not in allowed_from:
            raise ConflictError(
                _("This participation is “%(status)s”; it cannot be %(action)s.")
                % {
                    "status": locked.get_status_display(),
                    "action": ParticipationAction(action).label.lower(),
                },
                code="invalid_status",
            )
        if to_status != ParticipationStatus.ACCEPTED and _is_owner(locked):
            raise ApplicationError(
                _("The client a dedicated platform belongs to always takes part in it."),
                code="owner_is_participant",
            )
        before = locked.status
        locked.status = to_status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _record(locked, action=action, before=before, actor=actor, reason=reason)
    return locked


def membership_accept(
    *, actor, membership: PlatformMembership, reason: str = ""
) -> PlatformMembership:
    """Accept an application, or lift a suspension."""
    return _decide(
        actor=actor,
        membership=membership,
        action=ParticipationAction.ACCEPTED,
        reason=(reason or "").strip(),
    )


def membership_refuse(*, actor, membership: PlatformMembership, reason: str) -> PlatformMembership:
    reason = _require_reason(reason, what=_("refusal"))
    return _decide(
        actor=actor, membership=membership, action=ParticipationAction.REFUSED, reason=reason
    )


def membership_suspend(*, actor, membership: PlatformMembership, reason: str) -> PlatformMembership:
    reason = _require_reason(reason, what=_("suspension"))
    return _decide(
        actor=actor, membership=membership, action=ParticipationAction.SUSPENDED, reason=reason
    )


def membership_add(
    *, actor, platform: Platform, company: Company, reason: str = ""
) -> PlatformMembership:
    """Platform admins bring a company in directly (how a dedicated platform's pool grows).
    Any earlier application, refusal or suspension becomes an acceptance."""
    _require_platform_admin(actor, platform)
    reason = (reason or "").strip()
    now = timezone.now()
    try:
        with transaction.atomic():
            membership = (
                PlatformMembership.objects.select_for_update()
                .filter(platform=platform, company=company)
                .first()
            )
            if membership is not None and membership.status == ParticipationStatus.ACCEPTED:
                raise ConflictError(
                    _("This company already trades on this platform."),
                    code="already_participant",
                )
            before = membership.status if membership else ""
            if membership is None:
                membership = PlatformMembership(platform=platform, company=company)
            membership.status = ParticipationStatus.ACCEPTED
            membership.decided_by = actor
            membership.decided_at = now
            membership.reason = reason
            membership.save()
            _record(
                membership,
                action=ParticipationAction.ADDED,
                before=before,
                actor=actor,
                reason=reason,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("This company's participation changed meanwhile; try again."), code="conflict"
        ) from exc
    return membership
