"""What the people of a buyer are told as a tender's approval moves: the approvers whose turn it
is (when asked, and after each approval that hands the turn on), and the officer who asked
(when the request is approved or rejected). Imported by ``listeners`` (the module the events
app discovers)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from auctions.approval_models import ApprovalRequest
from marketplace.events.registry import listener

from .models import Kind
from .services import notify


def _request(event) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.select_related("tender", "requested_by")
        .filter(pk=event.payload["request"])
        .first()
    )


def _people(ids) -> list:
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True).order_by("pk"))


def _tell_approvers(event, request: ApprovalRequest, ids) -> None:
    tender = request.tender

    def build():
        names = {"title": tender.title, "by": str(request.requested_by or "")}
        return (
            _("Tender “%(title)s” waits for your approval") % names,
            _("%(by)s asked for approval to publish tender “%(title)s”. Approve or reject it.")
            % names,
        )

    notify(
        users=_people(ids),
        kind=Kind.TENDER_APPROVAL,
        key=f"approval_turn:{request.pk}:{event.pk}",
        build=build,
        url=reverse("frontend:approval-request", args=[request.pk]),
        event=event,
    )


@listener("tender.approval_requested", name="notifications.tender_approval_requested")
def approval_requested(event) -> None:
    request = _request(event)
    if request is not None:
        _tell_approvers(event, request, event.payload["approvers"])


@listener("tender.approval_decided", name="notifications.tender_approval_decided")
def approval_decided(event) -> None:
    request = _request(event)
    if request is None:
        return
    payload = event.payload
    if payload["status"] == "pending":
        _tell_approvers(event, request, payload["next_approvers"])
        return
    if payload["requested_by"] is None:
        return
    tender = request.tender
    approved = payload["status"] == "approved"
    approver = get_user_model().objects.filter(pk=payload["approver"]).first()

    def build():
        names = {"title": tender.title, "by": str(approver or "")}
        if approved:
            return (
                _("Tender “%(title)s” is approved") % names,
                _("Every approval tender “%(title)s” needs is given: you may publish it.") % names,
            )
        return (
            _("Tender “%(title)s” was not approved") % names,
            _("%(by)s rejected the approval of tender “%(title)s”. Read the comment on its page.")
            % names,
        )

    notify(
        users=_people([payload["requested_by"]]),
        kind=Kind.TENDER_APPROVAL,
        key=f"approval_decided:{request.pk}",
        build=build,
        url=reverse("frontend:tender-approval", args=[tender.pk]),
        event=event,
    )
