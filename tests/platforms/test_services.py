"""Unit tests of the platform and participation services and selectors."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.platforms import selectors, services
from marketplace.platforms.models import (
    ParticipationAction,
    ParticipationStatus,
    Platform,
    PlatformAdmin,
    PlatformKind,
    PlatformMembership,
    PlatformMembershipEvent,
)
from tests.platforms.factories import (
    BIDDER,
    CompanyFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    UserFactory,
    dedicated_platform,
    member,
    platform_admin,
    snapshot,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pub():
    return PlatformFactory(name="Open market")


@pytest.fixture
def applicant():
    company = CompanyFactory()
    return company, member(company)


def _apply(platform, applicant, message="We sell steel"):
    company, user = applicant
    return services.membership_apply(
        actor=user, platform=platform, company=company, message=message
    )


# --- applying ---------------------------------------------------------------------------------


def test_apply_creates_a_pending_participation_and_its_event(pub, applicant):
    m = _apply(pub, applicant)
    assert m.status == ParticipationStatus.APPLIED
    assert m.message == "We sell steel"
    assert m.applied_by == applicant[1]
    (event,) = m.events.all()
    assert (event.action, event.status_before, event.status_after) == (
        ParticipationAction.APPLIED,
        "",
        ParticipationStatus.APPLIED,
    )
    assert event.actor == applicant[1]
    assert event.reason == "We sell steel"


def test_a_platform_without_approval_accepts_at_once(applicant):
    open_platform = PlatformFactory(membership_requires_approval=False)
    m = _apply(open_platform, applicant)
    assert m.status == ParticipationStatus.ACCEPTED
    assert [e.action for e in m.events.all()] == [
        ParticipationAction.APPLIED,
        ParticipationAction.ACCEPTED,
    ]
    assert selectors.company_is_platform_participant(company=applicant[0], platform=open_platform)


def test_a_dedicated_platform_never_accepts_by_itself(applicant):
    platform = dedicated_platform(membership_requires_approval=False)
    m = _apply(platform, applicant)
    assert m.status == ParticipationStatus.APPLIED


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (ParticipationStatus.APPLIED, "already_applied"),
        (ParticipationStatus.ACCEPTED, "already_participant"),
        (ParticipationStatus.SUSPENDED, "participation_suspended"),
    ],
)
def test_one_participation_per_platform(pub, applicant, status, code):
    PlatformMembershipFactory(platform=pub, company=applicant[0], status=status)
    before = snapshot()
    with pytest.raises(ConflictError) as exc:
        _apply(pub, applicant)
    assert exc.value.code == code
    assert snapshot() == before


def test_a_refused_company_may_apply_again(pub, applicant):
    m = _apply(pub, applicant)
    admin = platform_admin(pub)
    services.membership_refuse(actor=admin, membership=m, reason="No references")
    again = _apply(pub, applicant, message="Now with references")
    assert again.pk == m.pk
    assert again.status == ParticipationStatus.APPLIED
    assert again.reason == ""
    assert again.decided_by is None
    assert again.message == "Now with references"
    assert [e.action for e in again.events.all()] == [
        ParticipationAction.APPLIED,
        ParticipationAction.REFUSED,
        ParticipationAction.REAPPLIED,
    ]


def test_only_a_company_admin_may_apply(pub):
    company = CompanyFactory()
    bidder = member(company, BIDDER)
    before = snapshot()
    with pytest.raises(PermissionDeniedError) as exc:
        services.membership_apply(actor=bidder, platform=pub, company=company)
    assert exc.value.code == "not_company_admin"
    assert snapshot() == before


def test_nobody_applies_for_a_company_they_do_not_belong_to(pub, applicant):
    other = CompanyFactory()
    before = snapshot()
    with pytest.raises(NotFoundError):
        services.membership_apply(actor=applicant[1], platform=pub, company=other)
    assert snapshot() == before


def test_a_closed_platform_takes_no_applications(applicant):
    closed = PlatformFactory(is_active=False)
    with pytest.raises(ApplicationError) as exc:
        _apply(closed, applicant)
    assert exc.value.code == "platform_inactive"
    assert not PlatformMembership.objects.filter(platform=closed).exists()


# --- deciding ---------------------------------------------------------------------------------


def test_accept_records_who_when_and_why(pub, applicant):
    m = _apply(pub, applicant)
    admin = platform_admin(pub)
    m = services.membership_accept(actor=admin, membership=m, reason=" Welcome ")
    assert m.status == ParticipationStatus.ACCEPTED
    assert m.decided_by == admin
    assert m.decided_at is not None
    assert m.reason == "Welcome"
    last = m.events.last()
    assert (last.action, last.status_before, last.actor, last.reason) == (
        ParticipationAction.ACCEPTED,
        ParticipationStatus.APPLIED,
        admin,
        "Welcome",
    )


@pytest.mark.parametrize("service", [services.membership_refuse, services.membership_suspend])
@pytest.mark.parametrize("reason", ["", "   "])
def test_refusal_and_suspension_need_a_reason(pub, service, reason):
    m = PlatformMembershipFactory(platform=pub, status=ParticipationStatus.ACCEPTED)
    if service is services.membership_refuse:
        m.status = ParticipationStatus.APPLIED
        m.save()
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        service(actor=platform_admin(pub), membership=m, reason=reason)
    assert exc.value.code == "reason_required"
    assert "reason" in exc.value.fields
    assert snapshot() == before


def test_suspend_and_reinstate(pub):
    m = PlatformMembershipFactory(platform=pub, status=ParticipationStatus.ACCEPTED)
    admin = platform_admin(pub)
    m = services.membership_suspend(actor=admin, membership=m, reason="Unpaid fees")
    assert m.status == ParticipationStatus.SUSPENDED
    assert not selectors.company_is_platform_participant(company=m.company, platform=pub)
    m = services.membership_accept(actor=admin, membership=m)
    assert m.status == ParticipationStatus.ACCEPTED
    assert [e.action for e in m.events.all()] == ["suspended", "accepted"]


@pytest.mark.parametrize(
    ("status", "service"),
    [
        (ParticipationStatus.ACCEPTED, services.membership_refuse),
        (ParticipationStatus.ACCEPTED, services.membership_accept),
        (ParticipationStatus.APPLIED, services.membership_suspend),
        (ParticipationStatus.REFUSED, services.membership_accept),
        (ParticipationStatus.REFUSED, services.membership_suspend),
        (ParticipationStatus.SUSPENDED, services.membership_refuse),
    ],
)
def test_transitions_outside_the_table_are_refused(pub, status, service):
    m = PlatformMembershipFactory(platform=pub, status=status)
    before = snapshot()
    with pytest.raises(ConflictError) as exc:
        service(actor=platform_admin(pub), membership=m, reason="because")
    assert exc.value.code == "invalid_status"
    assert snapshot() == before


def test_only_platform_admins_decide(pub, applicant):
    m = _apply(pub, applicant)
    other_platform_admin = platform_admin(PlatformFactory())
    before = snapshot()
    for actor in (applicant[1], other_platform_admin):
        with pytest.raises(PermissionDeniedError):
            services.membership_accept(actor=actor, membership=m)
    assert snapshot() == before
    # Operator staff administer every platform.
    assert services.membership_accept(actor=staff_user(), membership=m).status == "accepted"


def test_the_owner_of_a_dedicated_platform_cannot_be_suspended():
    platform = dedicated_platform()
    m = PlatformMembership.objects.get(platform=platform, company=platform.owner)
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        services.membership_suspend(actor=platform_admin(platform), membership=m, reason="x")
    assert exc.value.code == "owner_is_participant"
    assert snapshot() == before


@pytest.mark.parametrize(
    "status", [None, ParticipationStatus.APPLIED, ParticipationStatus.REFUSED, "suspended"]
)
def test_platform_admins_add_a_company_directly(status):
    platform = dedicated_platform()
    company = CompanyFactory()
    if status:
        PlatformMembershipFactory(platform=platform, company=company, status=status)
    admin = platform_admin(platform)
    m = services.membership_add(actor=admin, platform=platform, company=company, reason="Invited")
    assert m.status == ParticipationStatus.ACCEPTED
    event = m.events.last()
    assert (event.action, event.status_before, event.actor) == ("added", status or "", admin)
    assert company in selectors.platform_participants(platform=platform)


def test_adding_a_participant_twice_is_a_conflict():
    platform = dedicated_platform()
    before = snapshot()
    with pytest.raises(ConflictError):
        services.membership_add(
            actor=staff_user(), platform=platform, company=platform.owner, reason=""
        )
    assert snapshot() == before


# --- the event table is append-only -----------------------------------------------------------


def test_events_cannot_be_changed_or_deleted_through_the_orm(pub, applicant):
    event = _apply(pub, applicant).events.get()
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert PlatformMembershipEvent.objects.get(pk=event.pk).reason == "We sell steel"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_events_cannot_be_changed_or_deleted_in_the_database(pub, applicant):
    event = _apply(pub, applicant).events.get()
    for statement in (
        "UPDATE platforms_platformmembershipevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM platforms_platformmembershipevent WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert PlatformMembershipEvent.objects.get(pk=event.pk).reason == "We sell steel"


# --- platforms --------------------------------------------------------------------------------


def test_staff_create_a_dedicated_platform_whose_owner_takes_part():
    staff = staff_user()
    owner = CompanyFactory()
    platform = services.platform_create(
        actor=staff,
        name="Metinvest tenders",
        slug="metinvest",
        kind=PlatformKind.DEDICATED,
        owner=owner,
        default_currency="EUR",
        default_min_step_percent=Decimal("1.50"),
    )
    assert platform.default_currency == "EUR"
    m = PlatformMembership.objects.get(platform=platform)
    assert (m.company, m.status) == (owner, ParticipationStatus.ACCEPTED)
    assert m.events.get().action == ParticipationAction.ADDED
    assert list(selectors.platforms_where_company_trades(company=owner)) == [platform]


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"kind": "dedicated"}, "owner_required", "owner"),
        ({"kind": "public", "owner": "company"}, "owner_not_allowed", "owner"),
        (
            {"default_min_step_percent": Decimal("0")},
            "invalid_platform",
            "default_min_step_percent",
        ),
        (
            {"default_min_step_percent": Decimal("51")},
            "invalid_platform",
            "default_min_step_percent",
        ),
        ({"min_participants": 0}, "invalid_platform", "min_participants"),
        (
            {"default_soft_close_window_minutes": 30, "default_auction_duration_minutes": 30},
            "invalid_platform",
            "default_soft_close_window_minutes",
        ),
        (
            {"default_soft_close_window_minutes": 0, "default_soft_close_extension_minutes": 3},
            "invalid_platform",
            "default_soft_close_extension_minutes",
        ),
        ({"default_currency": "XXX"}, "invalid_platform", "default_currency"),
        ({"slug": "not a slug"}, "invalid_platform", "slug"),
        ({"name": ""}, "invalid_platform", "name"),
        (
            {"kind": "dedicated", "owner": "company", "membership_requires_approval": False},
            "invalid_platform",
            "membership_requires_approval",
        ),
    ],
)
def test_platform_create_refuses_bad_settings(kwargs, code, field):
    kwargs = dict(kwargs)
    if kwargs.get("owner") == "company":
        kwargs["owner"] = CompanyFactory()
    args = {"name": "New", "slug": "new", **kwargs}
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        services.platform_create(actor=staff_user(), **args)
    assert exc.value.code == code
    assert field in exc.value.fields
    assert snapshot() == before


def test_platform_create_is_for_staff_and_slugs_are_unique(pub):
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        services.platform_create(actor=UserFactory(), name="X", slug="x")
    with pytest.raises(ConflictError) as exc:
        services.platform_create(actor=staff_user(), name="X", slug=pub.slug)
    assert exc.value.code == "slug_taken"
    assert snapshot() == before


def test_platform_update_by_its_admin_and_validation(pub):
    admin = platform_admin(pub)
    updated = services.platform_update(
        actor=admin, platform=pub, name="Renamed", default_auction_duration_minutes=60
    )
    assert (updated.name, updated.default_auction_duration_minutes) == ("Renamed", 60)
    outsider = platform_admin(PlatformFactory())
    before = snapshot()
    with pytest.raises(ApplicationError):
        services.platform_update(actor=admin, platform=pub, default_soft_close_window_minutes=90)
    with pytest.raises(PermissionDeniedError):
        services.platform_update(actor=outsider, platform=pub, name="Y")
    assert snapshot() == before
    assert Platform.objects.get(pk=pub.pk).default_soft_close_window_minutes == 3


def test_platform_admins_are_named_and_removed_by_staff(pub):
    staff = staff_user()
    person = UserFactory(email="anna@example.com")
    admin = services.platform_admin_add(actor=staff, platform=pub, email="ANNA@example.com")
    assert admin.user == person
    assert selectors.user_is_platform_admin(user=person, platform=pub)
    with pytest.raises(ConflictError):
        services.platform_admin_add(actor=staff, platform=pub, email=person.email)
    with pytest.raises(ApplicationError) as exc:
        services.platform_admin_add(actor=staff, platform=pub, email="nobody@example.com")
    assert exc.value.code == "user_not_found"
    with pytest.raises(PermissionDeniedError):
        services.platform_admin_remove(actor=person, platform=pub, user_id=person.pk)
    services.platform_admin_remove(actor=staff, platform=pub, user_id=person.pk)
    assert not PlatformAdmin.objects.filter(platform=pub).exists()
    with pytest.raises(NotFoundError):
        services.platform_admin_remove(actor=staff, platform=pub, user_id=person.pk)


# --- selectors --------------------------------------------------------------------------------


def test_visible_platforms():
    public = PlatformFactory()
    closed = PlatformFactory(is_active=False)
    mine = dedicated_platform()
    applied_to = dedicated_platform()
    foreign = dedicated_platform()
    me = member(mine.owner)
    PlatformMembershipFactory(
        platform=applied_to, company=mine.owner, status=ParticipationStatus.REFUSED
    )
    administered = dedicated_platform()
    PlatformAdmin.objects.create(platform=administered, user=me)

    visible = set(selectors.platform_list_visible(user=me))
    assert visible == {public, mine, applied_to, administered}
    assert foreign not in visible and closed not in visible
    assert set(selectors.platform_list_visible(user=staff_user())) >= {closed, foreign}


def test_where_a_company_trades_and_who_trades_on_a_platform():
    company = CompanyFactory()
    p_ok, p_applied, p_refused, p_suspended = PlatformFactory.create_batch(4)
    p_closed = PlatformFactory(is_active=False)
    for p, status in [
        (p_ok, "accepted"),
        (p_applied, "applied"),
        (p_refused, "refused"),
        (p_suspended, "suspended"),
        (p_closed, "accepted"),
    ]:
        PlatformMembershipFactory(platform=p, company=company, status=status)
    assert list(selectors.platforms_where_company_trades(company=company)) == [p_ok]
    others = PlatformMembershipFactory.create_batch(2, platform=p_ok)
    PlatformMembershipFactory(platform=p_ok, status="applied")
    assert set(selectors.platform_participants(platform=p_ok)) == {
        company,
        *(m.company for m in others),
    }
