"""My home after log-in (``/home/``): a section per role, each figure counted right on a small
data set (with what must not count: another company's tender, another currency kept apart,
yesterday's auction not today's, an award of last quarter) and linked to its list; a person
with two roles sees both; no company, anonymous, the log-in redirect; and a query bound that
does not grow with the rows."""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from auctions.dashboard import dashboard_buyer, quarter_of, week_of
from auctions.models import (
    Application,
    ApplicationStatus,
    Award,
    Lot,
    LotStatus,
    Participation,
    Question,
    Tender,
    TenderStatus,
)
from crm.models import Activity, ActivityKind
from marketplace.companies.models import Membership, MembershipRole
from marketplace.core.money import format_money
from marketplace.platforms.models import ParticipationStatus, PlatformKind
from marketplace.verification import services as verification_services
from search.services import index_rebuild
from suppliers.models import SupplierProfile
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    UserFactory,
    member,
)
from tests.verification.factories import add_document, submit, unverified_company

pytestmark = pytest.mark.django_db

HOME = "/home/"


def log_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def tiles(page: str) -> dict[str, tuple[str, str]]:
    """Every figure of the page: its id -> (link, value)."""
    found = re.findall(
        r'<a id="([^"]+)" href="([^"]*)"><span class="tile-label">[^<]*</span> '
        r'<strong class="tile-value[^"]*">([^<]*)</strong>',
        page,
    )
    return {i: (html_lib.unescape(href), html_lib.unescape(value)) for i, href, value in found}


def noon(day) -> datetime:
    """Noon of ``day`` in the active time zone."""
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


class World:
    """A buyer (its procurement officer), a supplier (its bidder), their rivals, tenders, lots,
    applications, questions and awards around today."""

    def __init__(self):
        now = timezone.now()
        today = timezone.localdate()
        self.today, self.week, self.quarter = today, week_of(today), quarter_of(today)
        self.platform = PlatformFactory()
        self.root = CategoryFactory(code="DASH-ROOT")
        self.child = CategoryFactory(code="DASH-CHILD", parent=self.root)
        self.elsewhere = CategoryFactory(code="DASH-ELSE")

        self.buyer = self.company("Agro Buyer", supplier=False)
        self.officer = member(self.buyer, MembershipRole.PROCUREMENT_OFFICER)
        self.other_buyer = self.company("Other Buyer", supplier=False)
        self.other_officer = member(self.other_buyer, MembershipRole.PROCUREMENT_OFFICER)
        self.supplier = self.company("Steel Supplier", buyer=False)
        self.bidder = member(self.supplier, MembershipRole.BIDDER)
        self.rival = self.company("Rival Supplier", buyer=False)
        self.rival_bidder = member(self.rival, MembershipRole.BIDDER)
        SupplierProfile.objects.create(company=self.supplier).categories.add(self.root)

        past = {"questions": now - timedelta(days=5), "applications": now - timedelta(days=4)}
        future = {"questions": now + timedelta(days=5), "applications": now + timedelta(days=6)}
        # The buyer's tenders: 2 published (UAH, EUR), a draft, a cancelled one.
        self.uah = self.tender(self.buyer, "Diesel UAH", **past)
        self.eur = self.tender(self.buyer, "Rails EUR", currency="EUR", **past)
        self.draft = self.tender(self.buyer, "Draft tender", status=TenderStatus.DRAFT, **future)
        self.cancelled = self.tender(
            self.buyer, "Cancelled tender", status=TenderStatus.CANCELLED, **future
        )
        # Another buyer's: open to the supplier in its category (counts for the supplier), one
        # elsewhere, one with its deadline passed and one on a platform it has not joined.
        self.other = self.tender(self.other_buyer, "Other buyer's results", **past)
        self.matching = self.tender(self.other_buyer, "Cement in our category", **future)
        self.tender(self.other_buyer, "Paper elsewhere", category=self.elsewhere, **future)
        self.tender(self.other_buyer, "Deadline passed", **past)
        dedicated = PlatformFactory(kind=PlatformKind.DEDICATED, owner=self.other_buyer)
        self.tender(self.other_buyer, "Dedicated", platform=dedicated, **future)

        # Lots: today's, yesterday's (awarded to the supplier), next week's; the applications
        # lot; the EUR lots awarded this quarter and last quarter.
        yesterday = today - timedelta(days=1)
        self.lot_today = self.lot(self.uah, 1, LotStatus.AUCTION_SCHEDULED, starts=noon(today))
        self.lot_yesterday = self.lot(
            self.uah, 2, LotStatus.AWARDED, starts=noon(yesterday), closed=noon(yesterday)
        )
        self.lot(
            self.uah, 3, LotStatus.AUCTION_SCHEDULED, starts=noon(self.week.end + timedelta(1))
        )
        self.lot_deciding = self.lot(self.uah, 4, LotStatus.APPLICATIONS_CLOSED)
        self.lot_eur = self.lot(self.eur, 1, LotStatus.AWARDED, price="5000.00")
        self.lot_eur_old = self.lot(self.eur, 2, LotStatus.AWARDED, price="7000.00")
        self.apply(self.lot_today, self.supplier)
        self.apply(self.lot_today, self.rival)
        won = self.apply(self.lot_yesterday, self.supplier)
        self.apply(self.lot_yesterday, self.rival)
        self.award(self.lot_yesterday, won, "90000.00", at=now)
        self.apply(self.lot_deciding, self.rival, status=ApplicationStatus.SUBMITTED)
        self.apply(self.lot_deciding, self.supplier, status=ApplicationStatus.REJECTED)
        self.award(self.lot_eur, self.apply(self.lot_eur, self.rival), "4000.00", at=now)
        last_quarter = noon(self.quarter.start - timedelta(days=1))
        self.award(
            self.lot_eur_old, self.apply(self.lot_eur_old, self.rival), "1000.00", at=last_quarter
        )

        # The supplier's results at another buyer: lost (10 days ago), awaiting the award
        # (yesterday), failed long ago (not recent); an application to decide there (not the
        # buyer's); and its application to the matching tender.
        ago = now - timedelta(days=10)
        lost = self.lot(self.other, 1, LotStatus.AWARDED, starts=ago, closed=ago)
        self.apply(lost, self.supplier)
        self.award(lost, self.apply(lost, self.rival), "80000.00", at=ago)
        self.lot_awaiting = self.lot(
            self.other, 2, LotStatus.CLOSED, starts=noon(yesterday), closed=noon(yesterday)
        )
        self.apply(self.lot_awaiting, self.supplier)
        old = now - timedelta(days=40)
        self.apply(self.lot(self.other, 3, LotStatus.FAILED, starts=old, closed=old), self.supplier)
        other_deciding = self.lot(self.other, 4, LotStatus.PUBLISHED)
        self.apply(other_deciding, self.rival, status=ApplicationStatus.SUBMITTED)
        self.apply(
            self.lot(self.matching, 1, LotStatus.PUBLISHED),
            self.supplier,
            status=ApplicationStatus.SUBMITTED,
        )

        # Questions: two waiting on the UAH tender, one answered, one at another buyer.
        for text in ("When is delivery?", "Which standard?"):
            self.question(self.uah, text)
        self.question(self.uah, "Price with VAT?", answer="Yes.")
        self.question(self.other, "Another buyer's?")

    def company(self, name: str, *, buyer: bool = True, supplier: bool = True):
        company = CompanyFactory(legal_name=name, is_buyer=buyer, is_supplier=supplier)
        PlatformMembershipFactory(platform=self.platform, company=company)
        return company

    def tender(
        self,
        buyer,
        title: str,
        *,
        questions,
        applications,
        currency: str = "UAH",
        status: str = TenderStatus.PUBLISHED,
        category=None,
        platform=None,
    ) -> Tender:
        return Tender.objects.create(
            platform=platform or self.platform,
            buyer=buyer,
            created_by=self.officer if buyer == self.buyer else self.other_officer,
            title=title,
            category=category or self.child,
            currency=currency,
            participation=Participation.OPEN,
            questions_deadline=questions,
            applications_deadline=applications,
            auction_start=applications + timedelta(days=1),
            status=status,
        )

    def lot(self, tender, number, status, *, starts=None, closed=None, price="100000.00") -> Lot:
        return Lot.objects.create(
            tender=tender,
            number=number,
            title=f"{tender.title} lot {number}",
            quantity=Decimal("10"),
            unit="t",
            start_price=Decimal(price),
            status=status,
            starts_at=starts,
            closed_at=closed,
        )

    def apply(self, lot, company, *, status=ApplicationStatus.ADMITTED) -> Application:
        return Application.objects.create(
            lot=lot,
            supplier=company,
            submitted_by=self.bidder if company == self.supplier else self.rival_bidder,
            status=status,
            terms_accepted_at=timezone.now(),
        )

    def award(self, lot, application, amount: str, *, at) -> Award:
        return Award.objects.create(
            lot=lot,
            application=application,
            amount=Decimal(amount),
            awarded_by=lot.tender.created_by,
            awarded_at=at,
        )

    def question(self, tender, text: str, answer: str = "") -> Question:
        return Question.objects.create(
            tender=tender,
            asked_by_company=self.rival,
            asked_by=self.rival_bidder,
            text=text,
            answer=answer,
        )


@pytest.fixture
def world():
    return World()


# --- The procurement officer -------------------------------------------------------------------


def test_the_procurement_officer_sees_its_tenders_auctions_waiting_work_and_savings(client, world):
    log_in(client, world.officer)
    response = client.get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="dashboard-buyer"' in page and "Agro Buyer" in page
    assert 'id="dashboard-supplier"' not in page  # a buyer only
    found = tiles(page)

    # Tenders by stage: another buyer's are not counted; a single tender links to it.
    assert found["buyer-tenders-published"] == ("/?status=published", "2")
    assert found["buyer-tenders-draft"] == (f"/tenders/{world.draft.pk}/manage/", "1")
    assert found["buyer-tenders-cancelled"] == (f"/tenders/{world.cancelled.pk}/manage/", "1")
    assert found["buyer-tenders-complete"] == ("/?status=complete", "0")

    # Auctions: today's only (yesterday's and next week's not); this week's.
    assert found["buyer-auctions-today"] == (f"/lots/{world.lot_today.pk}/", "1")
    in_week = 1 + (world.today - timedelta(days=1) >= world.week.start)
    assert found["buyer-auctions-week"][1] == str(in_week)
    assert found["buyer-auctions-week"][0] == (
        "/auctions/" if in_week > 1 else f"/lots/{world.lot_today.pk}/"
    )

    # Waiting: two unanswered questions (not the answered one, not another buyer's) on one
    # tender; one submitted application (not the rejected one, not another buyer's).
    assert found["buyer-questions"] == (f"/tenders/{world.uah.pk}/manage/#questions", "2")
    assert found["buyer-applications"] == (f"/tenders/{world.uah.pk}/manage/", "1")

    # Savings this quarter, per currency (last quarter's award left out), to the CRM's report.
    period = f"date_from={world.quarter.start.isoformat()}&date_to={world.quarter.end.isoformat()}"
    savings = f"/crm/{world.buyer.pk}/analytics/savings/?{period}"
    assert found[f"buyer-savings-{world.buyer.pk}-UAH"] == (
        savings,
        format_money(Decimal("10000"), "UAH"),
    )
    assert found[f"buyer-savings-{world.buyer.pk}-EUR"] == (
        savings,
        format_money(Decimal("1000"), "EUR"),
    )
    assert len([key for key in found if key.startswith("buyer-savings-")]) == 2


def test_the_procurement_officers_links_open_their_lists(client, world):
    log_in(client, world.officer)
    found = tiles(client.get(HOME).content.decode())
    for key in (
        "buyer-tenders-draft",
        "buyer-auctions-today",
        "buyer-questions",
        "buyer-applications",
        f"buyer-savings-{world.buyer.pk}-UAH",
    ):
        assert client.get(found[key][0]).status_code == 200, key
    manage = client.get(found["buyer-questions"][0]).content.decode()
    assert "When is delivery?" in manage and 'id="questions"' in manage
    report = client.get(found[f"buyer-savings-{world.buyer.pk}-EUR"][0]).content.decode()
    assert (
        format_money(Decimal("1000"), "EUR") in report
    )  # the CRM's savings of the quarter: the same figure


def test_today_is_the_persons_day_in_its_time_zone(world):
    """A lot at 00:30 of the person's today is today's; one at 23:30 of its yesterday is not,
    in a zone fourteen hours from UTC."""
    with timezone.override("Pacific/Kiritimati"):
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        Lot.objects.filter(pk=world.lot_today.pk).update(
            starts_at=datetime.combine(today, time(0, 30), tzinfo=zone)
        )
        Lot.objects.filter(pk=world.lot_yesterday.pk).update(
            starts_at=datetime.combine(today - timedelta(days=1), time(23, 30), tzinfo=zone)
        )
        figures = dashboard_buyer(user=world.officer)
    assert figures is not None
    assert figures.auctions_today.count == 1
    assert figures.auctions_today.one == world.lot_today.pk


def test_no_awards_this_quarter_still_links_to_the_savings_report(client, world):
    Award.objects.filter(lot__tender__buyer=world.buyer).update(
        awarded_at=noon(world.quarter.start - timedelta(days=3))
    )
    log_in(client, world.officer)
    found = tiles(client.get(HOME).content.decode())
    href, value = found[f"buyer-savings-{world.buyer.pk}"]
    assert value == "—" and href.startswith(f"/crm/{world.buyer.pk}/analytics/savings/?")


# --- The supplier ------------------------------------------------------------------------------


def test_the_supplier_sees_matching_tenders_its_applications_auctions_and_results(client, world):
    log_in(client, world.bidder)
    page = client.get(HOME).content.decode()
    assert 'id="dashboard-supplier"' in page and "Steel Supplier" in page
    assert 'id="dashboard-buyer"' not in page  # a bidder manages no tender
    found = tiles(page)

    # One open tender in its category's sub-tree on its platform: not the one elsewhere, not
    # the one whose deadline passed, not the dedicated platform's.
    assert found["supplier-matching"] == (
        f"/?category={world.root.pk}&status=published",
        "1",
    )
    # Its applications by status (a single tender links to its page).
    assert found["supplier-applications-admitted"][1] == "5"
    assert found["supplier-applications-admitted"][0] == "/auctions/"
    assert found["supplier-applications-submitted"] == (f"/tenders/{world.matching.pk}/", "1")
    assert found["supplier-applications-rejected"] == (f"/tenders/{world.uah.pk}/", "1")
    assert found["supplier-applications-withdrawn"] == ("/auctions/", "0")
    # Today's auction (the rival's lots and yesterday's not).
    assert found["supplier-auctions-today"] == (f"/lots/{world.lot_today.pk}/", "1")
    # Results of 30 days: won yesterday, lost 10 days ago, awaiting; the failed lot of 40
    # days ago left out.
    assert found["supplier-won"] == (f"/lots/{world.lot_yesterday.pk}/", "1")
    assert found["supplier-not-won"][1] == "1"
    assert found["supplier-awaiting"] == (f"/lots/{world.lot_awaiting.pk}/", "1")


def test_the_suppliers_links_open_their_lists(client, world):
    index_rebuild()  # the tenders were made without the events that index them
    log_in(client, world.bidder)
    found = tiles(client.get(HOME).content.decode())
    search = client.get(found["supplier-matching"][0]).content.decode()
    assert "Cement in our category" in search
    assert "Paper elsewhere" not in search
    for key in (
        "supplier-applications-admitted",
        "supplier-applications-submitted",
        "supplier-auctions-today",
        "supplier-won",
    ):
        assert client.get(found[key][0]).status_code == 200, key


def test_a_supplier_without_categories_is_sent_to_its_profile(client, world):
    SupplierProfile.objects.filter(company=world.supplier).delete()
    log_in(client, world.bidder)
    page = client.get(HOME).content.decode()
    assert tiles(page)["supplier-matching"] == ("/my-catalogue/", "0")
    assert "Choose your categories in your profile." in page


# --- The CRM, several roles, no company --------------------------------------------------------


def test_the_crm_today_counts_my_activities_due_today_and_overdue(client, world):
    now = timezone.now()
    midday = now.replace(hour=12, minute=0, second=0, microsecond=0)  # the CRM's day: UTC
    base = {"workspace": world.buyer, "kind": ActivityKind.CALL}
    Activity.objects.create(
        **base, subject="Done today", due_at=midday, done_at=now, assignee=world.officer
    )
    Activity.objects.create(
        **base, subject="Late", due_at=now - timedelta(days=3), assignee=world.officer
    )
    Activity.objects.create(
        **base,
        subject="Done late",
        due_at=now - timedelta(days=3),
        done_at=now,
        assignee=world.officer,
    )
    Activity.objects.create(
        **base, subject="Someone else's", due_at=midday, assignee=world.other_officer
    )
    log_in(client, world.officer)
    found = tiles(client.get(HOME).content.decode())
    ws = world.buyer.pk
    assert found[f"crm-today-{ws}"] == (f"/crm/{ws}/activities/?tab=today", "1")
    assert found[f"crm-overdue-{ws}"] == (f"/crm/{ws}/activities/?tab=overdue", "1")
    overdue = client.get(found[f"crm-overdue-{ws}"][0]).content.decode()
    assert "Late" in overdue and "Someone else" not in overdue


def test_a_person_with_two_roles_sees_both_sections(client, world):
    both = member(world.buyer, MembershipRole.PROCUREMENT_OFFICER)
    Membership.objects.create(user=both, company=world.supplier, role=MembershipRole.BIDDER)
    log_in(client, both)
    page = client.get(HOME).content.decode()
    for section in ("dashboard-buyer", "dashboard-supplier", "dashboard-crm"):
        assert f'id="{section}"' in page, section
    found = tiles(page)
    assert found["buyer-questions"][1] == "2"
    assert found["supplier-auctions-today"][1] == "1"
    assert f"crm-today-{world.supplier.pk}" in found and f"crm-today-{world.buyer.pk}" in found
    assert 'id="dashboard-no-company"' not in page


def test_a_person_with_no_company_is_sent_to_register_or_join_one(client):
    person = UserFactory()
    log_in(client, person)
    page = client.get(HOME).content.decode()
    assert 'id="dashboard-no-company"' in page
    assert 'href="/companies/new/"' in page and 'href="/companies/"' in page
    for section in ("dashboard-buyer", "dashboard-supplier", "dashboard-crm", "dashboard-admin"):
        assert f'id="{section}"' not in page
    assert client.get("/companies/new/").status_code == 200


# --- The platform admin ------------------------------------------------------------------------


@pytest.fixture
def reviewing(world):
    """A staff reviewer; a submission waiting; verified companies whose documents expire in 10
    days (counted), in 40 days and yesterday (not); a platform admin (not staff) of the world's
    platform with two requests waiting there and one on another platform."""
    staff = UserFactory(is_staff=True)
    soon, later, expired = (unverified_company(legal_name=n) for n in ("Soon", "Later", "Gone"))
    for company, days in ((soon, 10), (later, 40), (expired, -1)):
        admin = member(company, MembershipRole.COMPANY_ADMIN)
        add_document(company, admin, expiry_date=world.today + timedelta(days=100))
        submission = submit(company, admin, with_document=False)
        verification_services.submission_approve(submission=submission, reviewer=staff)
        submission.documents.update(expiry_date=world.today + timedelta(days=days))
    waiting = unverified_company(legal_name="Waiting")
    submit(waiting, member(waiting, MembershipRole.COMPANY_ADMIN))

    padmin = UserFactory()
    PlatformAdminFactory(platform=world.platform, user=padmin)
    for name in ("Applicant A", "Applicant B"):
        PlatformMembershipFactory(
            platform=world.platform,
            company=CompanyFactory(legal_name=name),
            status=ParticipationStatus.APPLIED,
        )
    PlatformMembershipFactory(
        platform=PlatformFactory(), company=CompanyFactory(), status=ParticipationStatus.APPLIED
    )
    return {"staff": staff, "padmin": padmin}


def test_the_reviewer_sees_the_queue_requests_and_expiring_documents(client, world, reviewing):
    log_in(client, reviewing["staff"])
    page = client.get(HOME).content.decode()
    assert 'id="dashboard-admin"' in page
    assert 'id="dashboard-no-company"' not in page  # staff without a company: no nudge
    found = tiles(page)
    assert found["admin-queue"] == ("/review/?status=pending", "1")
    assert found["admin-requests"] == ("/platforms/manage/", "3")  # staff: every platform
    href, value = found["admin-expiring"]
    assert value == "1"
    end = world.today + timedelta(days=30)
    assert href == (
        "/admin/verification/verificationdocument/"
        f"?expiry_date__gte={world.today.isoformat()}&expiry_date__lte={end.isoformat()}"
    )
    listed = client.get(href)
    assert listed.status_code == 200
    assert ">Soon<" in listed.content.decode() and ">Later<" not in listed.content.decode()
    queue = client.get(found["admin-queue"][0]).content.decode()
    assert "Waiting" in queue


def test_a_platform_admin_sees_its_platforms_requests(client, world, reviewing):
    log_in(client, reviewing["padmin"])
    page = client.get(HOME).content.decode()
    found = tiles(page)
    href = f"/platforms/{world.platform.pk}/participations/?status=applied"
    assert found["admin-requests"] == (href, "2")
    assert "admin-queue" not in found and "admin-expiring" not in found  # not a reviewer
    listed = client.get(href).content.decode()
    assert "Applicant A" in listed and "Applicant B" in listed


# --- Access, the log-in redirect, the query bound ----------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_and_keep_the_public_home(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"
    assert client.get("/").status_code == 200
    assert 'href="/home/"' not in client.get("/").content.decode()


def test_log_in_lands_on_home_unless_next_says_otherwise(client, world):
    form = {"login": world.officer.email, "password": PASSWORD}
    response = client.post("/accounts/login/", form)
    assert response.status_code == 302 and response["Location"] == "/home/"
    page = client.get(response["Location"]).content.decode()
    assert 'href="/home/">Home</a>' in page  # the top bar's link
    client.logout()
    response = client.post("/accounts/login/?next=/auctions/", {**form, "next": "/auctions/"})
    assert response.status_code == 302 and response["Location"] == "/auctions/"


def test_the_page_does_not_grow_a_query_per_row(client, world, django_assert_max_num_queries):
    both = member(world.buyer, MembershipRole.PROCUREMENT_OFFICER)
    Membership.objects.create(user=both, company=world.supplier, role=MembershipRole.BIDDER)
    log_in(client, both)
    client.get(HOME)  # warm what is read once per process (the verification memo)
    with CaptureQueriesContext(connection) as first:
        assert client.get(HOME).status_code == 200
    # Many more rows of every kind counted: tenders, lots, applications, questions, awards.
    now = timezone.now()
    for n in range(6):
        tender = world.tender(
            world.buyer,
            f"More {n}",
            currency=("UAH", "EUR", "USD")[n % 3],
            questions=now - timedelta(days=5),
            applications=now - timedelta(days=4),
        )
        world.question(tender, f"Question {n}?")
        for number in (1, 2):
            lot = world.lot(tender, number, LotStatus.AUCTION_SCHEDULED, starts=noon(world.today))
            world.apply(lot, world.supplier)
        done = world.lot(tender, 3, LotStatus.AWARDED, closed=now)
        world.award(done, world.apply(done, world.supplier), "50000.00", at=now)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(HOME).content.decode()
    assert tiles(page)["buyer-auctions-today"][1] == "13"
    assert tiles(page)[f"buyer-savings-{world.buyer.pk}-USD"][1] == format_money(
        Decimal("100000"), "USD"
    )
    # About 30 today, the top bar's included.
    assert len(first.captured_queries) <= 40, [q["sql"] for q in first.captured_queries]
