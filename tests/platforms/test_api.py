"""The platforms and participation API: workflows, bad input, scoping."""

import pytest
from django.urls import reverse

from marketplace.platforms.models import (
    Platform,
    PlatformAdmin,
    PlatformMembership,
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


def url(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs)


def ids(response):
    return {row["id"] for row in response.json()["results"]}


# --- platforms --------------------------------------------------------------------------------


def test_platform_list_shows_what_the_user_may_see(client_for, api_client):
    public = PlatformFactory()
    mine = dedicated_platform()
    foreign = dedicated_platform()
    me = member(mine.owner, BIDDER)

    response = client_for(me).get(url("platform-list"))
    assert response.status_code == 200
    assert ids(response) == {public.pk, mine.pk}

    response = client_for(staff_user()).get(url("platform-list"), {"kind": "dedicated"})
    assert ids(response) == {mine.pk, foreign.pk}

    assert api_client.get(url("platform-list")).status_code in (401, 403)


def test_platform_detail_is_404_for_an_invisible_dedicated_platform(client_for):
    foreign = dedicated_platform()
    stranger = member(CompanyFactory())
    response = client_for(stranger).get(url("platform-detail", platform_id=foreign.pk))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "platform_not_found"

    admin = platform_admin(foreign)
    response = client_for(admin).get(url("platform-detail", platform_id=foreign.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["is_admin"] is True
    assert body["owner"] == {"id": foreign.owner.pk, "legal_name": foreign.owner.legal_name}
    assert body["default_min_step_percent"] == "0.50"


def test_staff_create_a_dedicated_platform(client_for):
    owner = CompanyFactory()
    response = client_for(staff_user()).post(
        url("platform-list"),
        {
            "name": "Client's own",
            "slug": "client-own",
            "kind": "dedicated",
            "owner": owner.pk,
            "default_currency": "EUR",
            "default_min_step_percent": "1.25",
            "default_visibility": "rank_only",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["default_currency"], body["default_min_step_percent"]) == (
        "dedicated",
        "EUR",
        "1.25",
    )
    platform = Platform.objects.get(slug="client-own")
    assert PlatformMembership.objects.get(platform=platform).company == owner
    # The owner's people now see it.
    assert (
        client_for(member(owner, BIDDER))
        .get(url("platform-detail", platform_id=platform.pk))
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"name": "X", "slug": "x", "kind": "dedicated"}, 400, "owner_required", "owner"),
        (
            {"name": "X", "slug": "x", "kind": "dedicated", "owner": 999999},
            400,
            "owner_not_found",
            "owner",
        ),
        (
            {"name": "X", "slug": "x", "default_min_step_percent": "75"},
            400,
            "invalid_platform",
            "default_min_step_percent",
        ),
        ({"name": "X", "slug": "x", "default_currency": "ABC"}, 400, "invalid", "default_currency"),
        ({"name": "X", "slug": "x", "kind": "auction"}, 400, "invalid", "kind"),
        ({"slug": "x"}, 400, "invalid", "name"),
        ({"name": "X", "slug": "public-taken"}, 409, "slug_taken", "slug"),
    ],
)
def test_platform_create_bad_input(client_for, payload, status, code, field):
    PlatformFactory(slug="public-taken")
    before = snapshot()
    response = client_for(staff_user()).post(url("platform-list"), payload)
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert field in error.get("fields", {}), error
    assert snapshot() == before


def test_only_staff_create_platforms(client_for):
    user = platform_admin(PlatformFactory())
    before = snapshot()
    response = client_for(user).post(url("platform-list"), {"name": "X", "slug": "x"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_only"
    assert snapshot() == before


def test_platform_admin_updates_rules(client_for):
    platform = PlatformFactory()
    admin = platform_admin(platform)
    response = client_for(admin).patch(
        url("platform-detail", platform_id=platform.pk),
        {
            "description": "Steel and pipes",
            "default_auction_format": "sealed",
            "min_participants": 3,
        },
    )
    assert response.status_code == 200, response.json()
    platform.refresh_from_db()
    assert (platform.description, platform.default_auction_format, platform.min_participants) == (
        "Steel and pipes",
        "sealed",
        3,
    )

    before = snapshot()
    response = client_for(admin).patch(
        url("platform-detail", platform_id=platform.pk),
        {"default_soft_close_window_minutes": 5, "default_soft_close_extension_minutes": 0},
    )
    assert response.status_code == 400
    assert "default_soft_close_extension_minutes" in response.json()["error"]["fields"]
    # Kind and owner are not the admins' to change: unknown fields are ignored.
    response = client_for(admin).patch(
        url("platform-detail", platform_id=platform.pk), {"kind": "dedicated"}
    )
    assert response.status_code == 200
    assert snapshot() == before
    assert Platform.objects.get(pk=platform.pk).kind == "public"


def test_platform_admins_are_managed_by_staff(client_for):
    platform = PlatformFactory()
    staff = staff_user()
    person = UserFactory(email="olena@example.com")
    admins_url = url("platform-admin-list", platform_id=platform.pk)

    response = client_for(staff).post(admins_url, {"email": "olena@example.com"})
    assert response.status_code == 201
    assert response.json()["user_id"] == person.pk
    assert client_for(staff).post(admins_url, {"email": person.email}).status_code == 409
    response = client_for(staff).post(admins_url, {"email": "ghost@example.com"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "user_not_found"

    # The new admin sees the list but may not name others.
    response = client_for(person).get(admins_url)
    assert [a["email"] for a in response.json()] == ["olena@example.com"]
    response = client_for(person).post(admins_url, {"email": staff.email})
    assert response.status_code == 403
    assert PlatformAdmin.objects.filter(platform=platform).count() == 1

    remove = url("platform-admin-detail", platform_id=platform.pk, user_id=person.pk)
    assert client_for(person).delete(remove).status_code == 403
    assert client_for(staff).delete(remove).status_code == 204
    assert client_for(staff).delete(remove).status_code == 404
    assert not PlatformAdmin.objects.filter(platform=platform).exists()


# --- participation workflow -------------------------------------------------------------------


def test_apply_refuse_reapply_accept(client_for):
    platform = PlatformFactory()
    company = CompanyFactory()
    boss = member(company)
    colleague = member(company, BIDDER)
    admin = platform_admin(platform)
    apply_url = url("platform-participation-list", platform_id=platform.pk)

    response = client_for(boss).post(apply_url, {"company": company.pk, "message": "Hello"})
    assert response.status_code == 201, response.json()
    participation = response.json()
    assert participation["status"] == "applied"
    assert participation["events"][0]["action"] == "applied"
    pid = participation["id"]

    response = client_for(admin).get(apply_url, {"status": "applied"})
    assert ids(response) == {pid}
    assert client_for(admin).get(apply_url, {"status": "accepted"}).json()["count"] == 0

    before = snapshot()
    response = client_for(admin).post(url("participation-refuse", participation_id=pid), {})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_required"
    assert snapshot() == before

    response = client_for(admin).post(
        url("participation-refuse", participation_id=pid), {"reason": "No ISO 9001 certificate"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "refused"

    # The company sees its status and why, whoever of its people asks.
    mine = client_for(colleague).get(url("participation-list")).json()["results"]
    assert [(p["status"], p["reason"]) for p in mine] == [("refused", "No ISO 9001 certificate")]
    detail = client_for(colleague).get(url("participation-detail", participation_id=pid)).json()
    refused = detail["events"][-1]
    assert refused["action"] == "refused"
    assert refused["reason"] == "No ISO 9001 certificate"
    assert refused["by"] == str(admin)
    assert refused["created_at"]

    response = client_for(boss).post(apply_url, {"company": company.pk, "message": "Certified now"})
    assert response.status_code == 201
    assert response.json()["id"] == pid
    response = client_for(admin).post(url("participation-accept", participation_id=pid), {})
    assert response.status_code == 200
    assert [e["action"] for e in response.json()["events"]] == [
        "applied",
        "refused",
        "reapplied",
        "accepted",
    ]
    assert ids(client_for(colleague).get(url("platform-list"))) >= {platform.pk}

    response = client_for(admin).post(
        url("participation-suspend", participation_id=pid), {"reason": "Fake bids"}
    )
    assert response.json()["status"] == "suspended"
    response = client_for(boss).post(apply_url, {"company": company.pk})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "participation_suspended"


def test_apply_twice_is_a_conflict(client_for):
    platform = PlatformFactory()
    company = CompanyFactory()
    boss = member(company)
    apply_url = url("platform-participation-list", platform_id=platform.pk)
    assert client_for(boss).post(apply_url, {"company": company.pk}).status_code == 201
    before = snapshot()
    response = client_for(boss).post(apply_url, {"company": company.pk})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_applied"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "company", "status", "code"),
    [
        ("bidder", "own", 403, "not_company_admin"),
        ("admin", "foreign", 404, "company_not_found"),
        ("admin", "missing", 404, "company_not_found"),
        ("admin", "not-a-number", 400, "invalid"),
    ],
)
def test_apply_bad_input(client_for, who, company, status, code):
    platform = PlatformFactory()
    own = CompanyFactory()
    user = member(own, BIDDER if who == "bidder" else "company_admin")
    company_id = {
        "own": own.pk,
        "foreign": CompanyFactory().pk,
        "missing": 999999,
        "not-a-number": "abc",
    }[company]
    before = snapshot()
    response = client_for(user).post(
        url("platform-participation-list", platform_id=platform.pk), {"company": company_id}
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert snapshot() == before


def test_applying_to_an_invisible_dedicated_platform_is_404(client_for):
    platform = dedicated_platform()
    company = CompanyFactory()
    before = snapshot()
    response = client_for(member(company)).post(
        url("platform-participation-list", platform_id=platform.pk), {"company": company.pk}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_dedicated_platform_grows_by_the_admins_adding_companies(client_for):
    platform = dedicated_platform()
    admin = platform_admin(platform)
    company = CompanyFactory()
    response = client_for(admin).post(
        url("platform-participation-add", platform_id=platform.pk),
        {"company": company.pk, "reason": "Long-standing supplier"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "accepted"
    assert response.json()["events"][0]["action"] == "added"
    # The company now sees the platform.
    response = client_for(member(company, BIDDER)).get(
        url("platform-detail", platform_id=platform.pk)
    )
    assert response.status_code == 200

    before = snapshot()
    response = client_for(admin).post(
        url("platform-participation-add", platform_id=platform.pk), {"company": 999999}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "company_not_found"
    assert snapshot() == before


def test_auto_accepting_platform(client_for):
    platform = PlatformFactory(membership_requires_approval=False)
    company = CompanyFactory()
    response = client_for(member(company)).post(
        url("platform-participation-list", platform_id=platform.pk), {"company": company.pk}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "accepted"


def test_companies_see_only_their_own_participations(client_for):
    platform = PlatformFactory()
    mine = PlatformMembershipFactory(platform=platform, status="applied")
    theirs = PlatformMembershipFactory(platform=platform, status="applied")
    me = member(mine.company, BIDDER)
    response = client_for(me).get(url("participation-list"))
    assert ids(response) == {mine.pk}
    response = client_for(me).get(url("participation-detail", participation_id=theirs.pk))
    assert response.status_code == 404
