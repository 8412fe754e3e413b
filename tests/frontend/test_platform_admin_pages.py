"""The platform admin's pages: the verification review queue and its decisions, a platform's
membership requests, and its default auction rules.

Scoped as the API scopes them: reviewers (operator staff) work the queue; a platform's admins
(and staff) run its participations and rules; anyone else gets 403, or 404 for what they may
not even see. Bad input says why and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.companies.models import MembershipRole, VerificationStatus
from marketplace.platforms.models import (
    ParticipationStatus,
    PlatformKind,
    PlatformMembership,
    PlatformMembershipEvent,
)
from marketplace.verification.models import (
    SubmissionStatus,
    VerificationDecision,
)
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    UserFactory,
    member,
)
from tests.verification.factories import PDF_BYTES, submit, unverified_company

pytestmark = pytest.mark.django_db


def log_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, email="reviewer@operator.example")


@pytest.fixture
def applicant():
    company = unverified_company(legal_name="Canary Applicant LLC")
    admin = member(company, MembershipRole.COMPANY_ADMIN, email="owner@applicant.example")
    return company, admin


@pytest.fixture
def submission(applicant):
    company, admin = applicant
    return submit(company, admin)


@pytest.fixture
def platform():
    return PlatformFactory(name="Canary Platform", slug="canary")


@pytest.fixture
def platform_admin(platform):
    return PlatformAdminFactory(
        platform=platform, user=UserFactory(email="padmin@example.com")
    ).user


# --- The top bar --------------------------------------------------------------------------------


def test_the_top_bar_offers_each_person_their_admin_pages(client, staff, platform_admin):
    log_in(client, staff)
    html = client.get("/").content.decode()
    assert 'href="/review/"' in html and "Review queue" in html
    client.logout()
    log_in(client, platform_admin)
    html = client.get("/").content.decode()
    assert 'href="/review/"' not in html and 'href="/platforms/manage/"' in html
    client.logout()
    log_in(client, member(CompanyFactory()))
    html = client.get("/").content.decode()
    assert 'href="/review/"' not in html and 'href="/platforms/manage/"' not in html
    assert 'href="/companies/"' in html


# --- The verification queue ---------------------------------------------------------------------


def test_the_queue_is_for_reviewers_only(client, submission, applicant, platform_admin):
    assert client.get("/review/").status_code == 302  # to the log-in
    for person in (applicant[1], platform_admin):  # a company admin; a non-staff platform admin
        log_in(client, person)
        assert client.get("/review/").status_code == 403
        assert client.get(f"/review/{submission.pk}/").status_code == 403
        response = client.post(f"/review/{submission.pk}/", {"decision": "approve"})
        assert response.status_code == 403
        client.logout()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING
    assert not VerificationDecision.objects.exists()


def test_the_queue_lists_pending_submissions_oldest_first_and_searches(client, staff, submission):
    other_company = unverified_company(legal_name="Second Canary Ltd")
    submit(other_company, member(other_company))
    decided_company = unverified_company(legal_name="Decided Canary Ltd")
    decided = submit(decided_company, member(decided_company))
    decided.status = SubmissionStatus.APPROVED
    decided.save()
    log_in(client, staff)
    html = client.get("/review/").content.decode()
    assert html.index("Canary Applicant LLC") < html.index("Second Canary Ltd")
    assert "Decided Canary Ltd" not in html
    html = client.get("/review/?q=second").content.decode()
    assert "Second Canary Ltd" in html and "Canary Applicant LLC" not in html
    html = client.get("/review/?status=approved").content.decode()
    assert "Decided Canary Ltd" in html and "Second Canary Ltd" not in html
    assert "Decided Canary Ltd" in client.get("/review/?status=all").content.decode()
    assert client.get("/review/?status=nonsense&page=x").status_code == 200
    assert client.get("/review/999999/").status_code == 404


def test_the_reviewer_opens_the_documents_and_approves(client, staff, submission, applicant):
    company, _admin = applicant
    document = submission.documents.get()
    log_in(client, staff)
    html = client.get(f"/review/{submission.pk}/").content.decode()
    assert "Olena Kovalenko" in html and company.registration_number in html
    link = f"/api/verification/documents/{document.pk}/download/"
    assert f'href="{link}"' in html
    download = client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment")

    response = client.post(f"/review/{submission.pk}/", {"decision": "approve", "reason": ""})
    assert response.status_code == 302 and response["Location"] == "/review/"
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED
    decision = VerificationDecision.objects.get()
    assert (decision.kind, decision.decided_by) == ("approved", staff)
    html = client.get(f"/review/{submission.pk}/").content.decode()
    assert 'id="decision-form"' not in html  # decided: nothing more to decide
    assert "reviewer@operator.example" in html  # staff see who decided


def test_rejecting_or_asking_for_more_needs_a_reason_and_writes_nothing_without_one(
    client, staff, submission, applicant
):
    company, _admin = applicant
    log_in(client, staff)
    for decision in ("reject", "request_info"):
        response = client.post(f"/review/{submission.pk}/", {"decision": decision, "reason": " "})
        assert response.status_code == 400
        assert "Give the company a reason" in response.context["form"].errors["reason"][0]
    response = client.post(f"/review/{submission.pk}/", {"decision": "bogus"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.PENDING
    assert not VerificationDecision.objects.exists()

    response = client.post(
        f"/review/{submission.pk}/",
        {"decision": "request_info", "reason": "Add the charter, please."},
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.INFO_REQUESTED
    assert VerificationDecision.objects.get().reason == "Add the charter, please."

    # Deciding again: the submission is no longer pending, said so, nothing added.
    response = client.post(f"/review/{submission.pk}/", {"decision": "approve"})
    assert response.status_code == 409
    assert "already been decided" in response.content.decode()
    assert VerificationDecision.objects.count() == 1


# --- Platform membership requests ---------------------------------------------------------------


@pytest.fixture
def requests(platform):
    applied = PlatformMembershipFactory(
        platform=platform,
        company=CompanyFactory(legal_name="Applied Canary"),
        status=ParticipationStatus.APPLIED,
        message="We supply grain.",
    )
    accepted = PlatformMembershipFactory(
        platform=platform, company=CompanyFactory(legal_name="Accepted Canary")
    )
    return applied, accepted


def test_membership_requests_are_for_the_platforms_admins(
    client, platform, platform_admin, requests, applicant
):
    applied, _accepted = requests
    url = f"/platforms/{platform.pk}/participations/"
    other = PlatformAdminFactory(platform=PlatformFactory(slug="other", name="Elsewhere")).user
    log_in(client, other)  # administers another platform: sees this public one, may not run it
    assert client.get(url).status_code == 403
    assert client.get(f"/platforms/{platform.pk}/rules/").status_code == 403
    assert (
        client.post(f"/participations/{applied.pk}/decide/", {"action": "accept"}).status_code
        == 404
    )
    client.logout()
    # The applicant's own admin sees its participation (API) but does not decide on it.
    own = member(applied.company)
    log_in(client, own)
    assert (
        client.post(f"/participations/{applied.pk}/decide/", {"action": "accept"}).status_code
        == 403
    )
    client.logout()
    dedicated = PlatformFactory(
        slug="dedicated", kind=PlatformKind.DEDICATED, owner=CompanyFactory()
    )
    log_in(client, applicant[1])
    assert client.get(f"/platforms/{dedicated.pk}/participations/").status_code == 404
    assert client.get("/platforms/manage/").status_code == 403
    applied.refresh_from_db()
    assert applied.status == ParticipationStatus.APPLIED
    client.logout()

    log_in(client, platform_admin)
    html = client.get("/platforms/manage/").content.decode()
    assert "Canary Platform" in html and "Elsewhere" not in html
    html = client.get(url).content.decode()
    assert "Applied Canary" in html and "We supply grain." in html
    assert "Accepted Canary" not in html  # the open requests by default
    html = client.get(url + "?status=all").content.decode()
    assert "Accepted Canary" in html


def test_accept_refuse_and_suspend_with_reasons(client, platform, platform_admin, requests):
    applied, accepted = requests
    log_in(client, platform_admin)
    # Refusing without a reason says so and changes nothing.
    events = PlatformMembershipEvent.objects.count()
    response = client.post(f"/participations/{applied.pk}/decide/", {"action": "refuse"})
    assert response.status_code == 400
    assert "Give the reason for the refusal" in response.content.decode()
    applied.refresh_from_db()
    assert applied.status == ParticipationStatus.APPLIED
    assert PlatformMembershipEvent.objects.count() == events

    response = client.post(
        f"/participations/{applied.pk}/decide/", {"action": "refuse", "reason": "Not verified yet."}
    )
    assert response.status_code == 302
    applied.refresh_from_db()
    assert (applied.status, applied.reason) == ("refused", "Not verified yet.")

    response = client.post(
        f"/participations/{accepted.pk}/decide/", {"action": "suspend", "reason": "Unpaid fees."}
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == ParticipationStatus.SUSPENDED
    response = client.post(f"/participations/{accepted.pk}/decide/", {"action": "accept"})
    accepted.refresh_from_db()
    assert accepted.status == ParticipationStatus.ACCEPTED

    # A decision the participation's state does not allow: refused, with the reason why.
    response = client.post(
        f"/participations/{accepted.pk}/decide/", {"action": "refuse", "reason": "x"}
    )
    assert response.status_code == 409
    assert "cannot be refused" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == ParticipationStatus.ACCEPTED


def test_a_decision_from_htmx_redraws_the_row(client, platform, platform_admin, requests):
    applied, _accepted = requests
    log_in(client, platform_admin)
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(
        f"/participations/{applied.pk}/decide/", {"action": "suspend", "reason": "x"}, **htmx
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx: the row says what went wrong
    assert html.strip().startswith(f'<tr id="participation-{applied.pk}">')
    assert "cannot be suspended" in html
    response = client.post(f"/participations/{applied.pk}/decide/", {"action": "accept"}, **htmx)
    html = response.content.decode()
    assert "Accepted" in html and 'value="suspend"' in html and 'value="accept"' not in html
    applied.refresh_from_db()
    assert applied.status == ParticipationStatus.ACCEPTED


def test_the_owner_of_a_dedicated_platform_is_offered_nothing_to_refuse_or_suspend(client, staff):
    owner = CompanyFactory(legal_name="Owner Canary")
    dedicated = PlatformFactory(slug="owned", kind=PlatformKind.DEDICATED, owner=owner)
    PlatformMembership.objects.create(
        platform=dedicated, company=owner, status=ParticipationStatus.ACCEPTED
    )
    log_in(client, staff)  # staff administer every platform
    html = client.get(f"/platforms/{dedicated.pk}/participations/?status=all").content.decode()
    assert "Owner Canary" in html and 'value="suspend"' not in html


# --- The platform's rules -----------------------------------------------------------------------


def rules(platform, **overrides) -> dict:
    data = {
        "name": platform.name,
        "description": "",
        "default_currency": "UAH",
        "default_auction_format": "english",
        "default_min_step_percent": "0.50",
        "default_soft_close_window_minutes": "3",
        "default_soft_close_extension_minutes": "3",
        "default_auction_duration_minutes": "30",
        "default_visibility": "rank_and_best",
        "min_participants": "2",
        "membership_requires_approval": "on",
    }
    data.update(overrides)
    return data


def test_the_platform_admin_changes_the_default_rules(client, platform, platform_admin):
    log_in(client, platform_admin)
    url = f"/platforms/{platform.pk}/rules/"
    assert 'name="default_min_step_percent"' in client.get(url).content.decode()
    response = client.post(
        url,
        rules(
            platform,
            default_min_step_percent="1.25",
            default_visibility="ladder",
            default_currency="EUR",
            membership_requires_approval="",
        ),
    )
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.default_min_step_percent == Decimal("1.25")
    assert (platform.default_visibility, platform.default_currency) == ("ladder", "EUR")
    assert platform.membership_requires_approval is False


def test_rules_the_service_refuses_are_shown_on_their_fields_and_nothing_changes(
    client, platform, platform_admin
):
    log_in(client, platform_admin)
    url = f"/platforms/{platform.pk}/rules/"
    response = client.post(
        url,
        rules(platform, default_soft_close_window_minutes="30", default_min_step_percent="75"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "shorter than the auction" in errors["default_soft_close_window_minutes"][0]
    assert errors["default_min_step_percent"]
    assert "not valid" in response.content.decode()
    response = client.post(url, rules(platform, min_participants="many"))
    assert response.status_code == 400 and response.context["form"].errors["min_participants"]
    platform.refresh_from_db()
    assert platform.default_soft_close_window_minutes == 3
    assert platform.default_min_step_percent == Decimal("0.50")


def test_the_queue_speaks_the_readers_language(client, staff, submission):
    log_in(client, staff)
    client.cookies["django_language"] = "uk"
    html = client.get("/review/").content.decode()
    assert 'lang="uk"' in html
    assert "На розгляді" in html  # "Pending review", the submission's status and the filter
    assert ">Усі</option>" in html  # "All": a filter label made at import, translated per request


def test_the_reviewer_sees_the_companys_earlier_submissions_and_their_reasons(
    client, staff, submission, applicant
):
    from marketplace.verification.services import submission_reject

    company, admin = applicant
    submission_reject(submission=submission, reviewer=staff, reason="Blurry scan.")
    again = submit(company, admin, with_document=False)
    log_in(client, staff)
    html = client.get(f"/review/{again.pk}/").content.decode()
    assert f'href="/review/{submission.pk}/"' in html and "Blurry scan." in html
    assert 'id="decision-form"' in html
