"""The platform core's domain events: verification and platform membership tell the other
domains what changed, and the auction app's listener (not a call from the core) makes the
company's open sockets re-check their access."""

from __future__ import annotations

from unittest import mock

import pytest

from auctions import listeners as auction_listeners
from marketplace.companies.models import MembershipRole
from marketplace.events.models import DeliveryStatus, Event, EventDelivery
from marketplace.platforms import services as platform_services
from marketplace.verification import services as verification
from tests.factories import PlatformAdminFactory, PlatformMembershipFactory, UserFactory, member
from tests.verification.factories import submit, unverified_company

pytestmark = pytest.mark.django_db(transaction=True)


def types_of(company) -> list[str]:
    return list(Event.objects.filter(company=company).values_list("type", flat=True))


def test_a_verification_decision_emits_its_events_and_the_auction_app_rechecks_sockets():
    company = unverified_company()
    admin = member(company, MembershipRole.COMPANY_ADMIN)
    reviewer = UserFactory(is_staff=True)
    with mock.patch.object(auction_listeners, "company_access_changed_now") as recheck:
        submission = submit(company, admin)
        assert types_of(company) == ["company.verification_submitted"]
        decision = verification.submission_reject(
            submission=submission, reviewer=reviewer, reason="Blurred scan"
        )
    assert types_of(company)[1:] == ["company.verification_changed", "company.access_changed"]
    changed = Event.objects.get(type="company.verification_changed")
    assert changed.payload == {
        "company": company.pk,
        "decision": decision.pk,
        "status_before": "pending",
        "status_after": "rejected",
        "reason": "Blurred scan",
    }
    recheck.assert_called_with(company_id=company.pk)
    delivery = EventDelivery.objects.get(
        event__type="company.access_changed", listener="auctions.recheck_sockets"
    )
    assert delivery.status == DeliveryStatus.DONE

    submission = submit(company, admin, with_document=False)
    verification.submission_approve(submission=submission, reviewer=reviewer)
    assert types_of(company)[-3:] == [
        "company.verification_submitted",
        "company.verified",
        "company.access_changed",
    ]


def test_a_suspended_platform_membership_emits_access_changed():
    membership = PlatformMembershipFactory()
    platform_admin = PlatformAdminFactory(platform=membership.platform).user
    with mock.patch.object(auction_listeners, "company_access_changed_now") as recheck:
        platform_services.membership_suspend(
            actor=platform_admin, membership=membership, reason="Unpaid fees"
        )
    company = membership.company
    assert types_of(company)[-2:] == ["platform.membership_changed", "company.access_changed"]
    changed = Event.objects.filter(type="platform.membership_changed").last()
    assert changed.payload["status_before"] == "accepted"
    assert changed.payload["status_after"] == "suspended"
    recheck.assert_called_once_with(company_id=company.pk)
