"""Invitations to an invitation-only tender: a verified supplier taking part in the platform is
invited (and told once the tender is published), or the invitation taken back."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError

from .. import outbox
from ..lock_objects import tender_lock
from ..models import (
    Application,
    ApplicationStatus,
    Participation,
    Tender,
    TenderInvitation,
    TenderStatus,
)
from . import selectors
from ._common import require_manager


def tender_invitation_create(*, actor, tender: Tender, supplier) -> TenderInvitation:
    """Invite a supplier company (verified, a participant of the platform) to an invitation-only
    tender, while it is a draft or published."""
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        if tender.participation != Participation.INVITATION:
            raise ConflictError(
                _("Only invitation-only tenders take invitations."), code="tender_is_open"
            )
        if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
            raise ConflictError(_("This tender is finished."), code="tender_finished")
        if supplier.pk == tender.buyer_id or not supplier.is_supplier:
            raise ApplicationError(
                _("Only other supplier companies can be invited."),
                code="not_a_supplier",
                fields={"supplier": [_("Not a supplier company.")]},
            )
        if not selectors.company_can_trade(supplier):
            raise ApplicationError(
                _("Only verified suppliers can be invited."),
                code="supplier_not_verified",
                fields={"supplier": [_("This company is not verified.")]},
            )
        if not selectors.company_participates(company=supplier, platform=tender.platform_id):
            raise ApplicationError(
                _("This supplier is not a participant of the tender's platform."),
                code="supplier_not_participant",
                fields={"supplier": [_("Not a participant of the platform.")]},
            )
        if TenderInvitation.objects.filter(tender=tender, supplier=supplier).exists():
            raise ConflictError(_("This supplier is already invited."), code="already_invited")
        try:
            with transaction.atomic():
                invitation = TenderInvitation.objects.create(
                    tender=tender, supplier=supplier, invited_by=actor
                )
        except IntegrityError as exc:
            raise ConflictError(
                _("This supplier is already invited."), code="already_invited"
            ) from exc
        if tender.status == TenderStatus.PUBLISHED:
            outbox.tender_invited(invitation=invitation, actor=actor)
    return invitation


def tender_invitation_remove(*, actor, invitation: TenderInvitation) -> None:
    """Take an invitation back, unless the supplier has an application that is not withdrawn."""
    with transaction.atomic():
        tender = tender_lock(tender_id=invitation.tender_id)
        require_manager(actor=actor, tender=tender)
        if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
            raise ConflictError(_("This tender is finished."), code="tender_finished")
        active = Application.objects.filter(
            lot__tender=tender, supplier_id=invitation.supplier_id
        ).exclude(status=ApplicationStatus.WITHDRAWN)
        if active.exists():
            raise ConflictError(
                _("This supplier has applied; reject its application instead."),
                code="invitation_in_use",
            )
        invitation.delete()
        if tender.status == TenderStatus.PUBLISHED:
            outbox.tender_uninvited(
                tender_id=tender.pk,
                buyer_id=tender.buyer_id,
                platform_id=tender.platform_id,
                supplier_id=invitation.supplier_id,
                actor=actor,
            )
