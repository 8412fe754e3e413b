"""The procurement officer's tender pages and the supplier's apply and ask forms, through the
test client: who may do what (others' objects answer 404), forms that validate as they are
filled in and write nothing until submitted, refusals shown with the service's message and
nothing written, the XLSX import, and the happy paths."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from auctions.models import (
    Application,
    ApplicationStatus,
    Lot,
    LotStatus,
    Participation,
    Question,
    Tender,
    TenderInvitation,
    TenderStatus,
)
from auctions.tenders import applications, drafting, lot_import, questions, validation
from tests.auctions.factories import PDF_BYTES, World, snapshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world():
    return World()


def log_in(client, user):
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)


def local(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def tender_post(world, **overrides) -> dict:
    now = timezone.now()
    data = {
        "buyer": world.buyer.pk,
        "platform": world.platform.pk,
        "title": "Winter diesel",
        "description": "Grade C",
        "category": world.category.pk,
        "currency": "",
        "questions_deadline": local(now + timedelta(days=1)),
        "applications_deadline": local(now + timedelta(days=2)),
        "auction_start": local(now + timedelta(days=3)),
        "participation": Participation.OPEN,
    }
    data.update(overrides)
    return data


def lot_post(world, tender, **overrides) -> dict:
    """The lot form as the page fills it: the platform's defaults plus the item."""
    data = {
        k: ("" if v is None else v)
        for k, v in validation.lot_defaults_from_platform(tender.platform).items()
    }
    data.update(
        title="Diesel EN 590",
        quantity="100",
        unit="t",
        start_price="100000.00",
        reserve_price="",
        delivery_place="Kyiv",
        delivery_date="",
        incoterms="DAP",
        step_reference="best",
        tie_rule="earlier_first",
        stagger_seconds="0",
        rounds="3",
        turn_seconds="120",
        first_pause_seconds="300",
        round_pause_seconds="120",
        allow_single_award="on",
    )
    data.update(overrides)
    return data


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Permissions -----------------------------------------------------------------------------


def test_only_the_buyers_managers_create_and_manage(client, world):
    tender = world.draft(lots=1)
    lot = tender.lots.get()
    manage = f"/tenders/{tender.pk}/manage/"
    assert "/accounts/login/" in client.get("/tenders/new/")["Location"]
    assert "/accounts/login/" in client.get(manage)["Location"]
    for user in (world.officer, world.buyer_admin):
        log_in(client, user)
        assert client.get(manage).status_code == 200
        page = client.get("/tenders/new/")
        assert page.status_code == 200
        assert 'href="/tenders/new/"' in html(page)  # the top bar's link
    for user in (
        world.buyer_bidder,
        world.supplier_admin,
        world.stranger,
        world.platform_admin,
    ):
        log_in(client, user)
        assert client.get(manage).status_code == 404
        assert client.get(f"/tenders/{tender.pk}/edit/").status_code == 404
        assert client.get(f"/lots/{lot.pk}/edit/").status_code == 404
        assert client.get(f"/tenders/{tender.pk}/lots/import/").status_code == 404
    for user in (world.buyer_bidder, world.supplier_admin):  # manage no buyer's tenders
        log_in(client, user)
        assert 'href="/tenders/new/"' not in html(client.get("/"))
    log_in(client, world.supplier_admin)
    assert client.get("/tenders/new/").status_code == 404
    before = snapshot()
    for path in (
        f"/tenders/{tender.pk}/publish/",
        f"/tenders/{tender.pk}/delete/",
        f"/lots/{lot.pk}/delete/",
        f"/tenders/{tender.pk}/lots/new/",
        f"/lots/{lot.pk}/edit/",
    ):
        assert client.post(path, {"title": "Hijacked"}).status_code == 404, path
    assert snapshot() == before


def test_others_applications_and_questions_answer_404(client, world):
    tender = world.published()
    lot = tender.lots.get()
    application = world.apply(lot)
    question = questions.question_ask(
        actor=world.supplier_admin, tender=tender, company=world.supplier, text="Grade?"
    )
    before = snapshot()
    log_in(client, world.other_admin)
    assert client.post(f"/applications/{application.pk}/admit/").status_code == 404
    assert client.post(f"/applications/{application.pk}/withdraw/").status_code == 404
    assert client.post(f"/questions/{question.pk}/answer/", {"answer": "x"}).status_code == 404
    log_in(client, world.supplier_admin)  # its own application, but not the buyer's to decide
    assert client.post(f"/applications/{application.pk}/admit/").status_code == 404
    assert client.post(f"/applications/{application.pk}/reject/", {"reason": "x"}).status_code == (
        404
    )
    assert snapshot() == before


# --- Creating and editing a tender -----------------------------------------------------------


def test_the_tender_form_validates_as_it_is_filled_in_and_writes_nothing(client, world):
    log_in(client, world.officer)
    before = snapshot()
    # Only the title typed so far: no complaints about the fields still empty.
    response = client.post("/tenders/new/", {"title": "Winter diesel"}, **HTMX)
    assert response.status_code == 200
    assert "This field is required" not in html(response)
    # Only the messages come back, swapped in place: nothing the person types is replaced.
    assert "<form" not in html(response) and 'id="tender-form-summary"' in html(response)
    assert 'id="id_title_errors" aria-live="polite" hx-swap-oob="true"' in html(response)
    # A deadline in the past: the service's message next to the field.
    past = local(timezone.now() - timedelta(hours=1))
    response = client.post("/tenders/new/", tender_post(world, questions_deadline=past), **HTMX)
    assert "Must be in the future." in html(response)
    # Out of order.
    now = timezone.now()
    response = client.post(
        "/tenders/new/",
        tender_post(world, applications_deadline=local(now + timedelta(days=5))),
        **HTMX,
    )
    assert "The applications deadline must not be after the auction start." in html(response)
    # All good: said so, and still nothing written.
    response = client.post("/tenders/new/", tender_post(world), **HTMX)
    assert "No problems found so far." in html(response)
    assert snapshot() == before


def test_a_bad_tender_is_refused_with_its_messages_and_nothing_written(client, world):
    log_in(client, world.officer)
    before = snapshot()
    past = local(timezone.now() - timedelta(hours=1))
    response = client.post("/tenders/new/", tender_post(world, questions_deadline=past))
    assert response.status_code == 400
    assert "Must be in the future." in html(response)
    response = client.post("/tenders/new/", tender_post(world, title="", category="999999"))
    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert "Select a valid choice." in html(response)
    # A buyer that is not the officer's own is not a choice.
    response = client.post("/tenders/new/", tender_post(world, buyer=world.supplier.pk))
    assert response.status_code == 400
    assert snapshot() == before


def test_create_a_draft_tender_in_utc_and_edit_it(client, world):
    log_in(client, world.officer)
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post("/tenders/new/", tender_post(world, auction_start=local(start)))
    tender = Tender.objects.get(title="Winter diesel")
    assert response.status_code == 302
    assert response["Location"] == f"/tenders/{tender.pk}/manage/"
    assert tender.status == TenderStatus.DRAFT and tender.buyer == world.buyer
    assert tender.currency == world.platform.default_currency
    assert tender.auction_start == start  # read as UTC
    page = html(client.get(f"/tenders/{tender.pk}/edit/"))
    assert f'value="{local(start)}"' in page and "in your time zone, UTC" in page

    data = tender_post(world, title="Winter diesel, grade C", currency="EUR")
    for key in ("buyer", "platform"):
        data.pop(key)
    response = client.post(f"/tenders/{tender.pk}/edit/", {**data, "title": ""}, **HTMX)
    assert 'id="tender-form-summary"' in html(response)  # the page's own ids
    assert Tender.objects.get(pk=tender.pk).title == "Winter diesel"
    response = client.post(f"/tenders/{tender.pk}/edit/", data)
    assert response.status_code == 302
    tender.refresh_from_db()
    assert (tender.title, tender.currency) == ("Winter diesel, grade C", "EUR")


# --- Lots ------------------------------------------------------------------------------------


def test_the_lot_form_validates_with_the_lot_rules_and_writes_nothing(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    page = html(client.get(f"/tenders/{tender.pk}/lots/new/"))
    defaults = validation.lot_defaults_from_platform(tender.platform)
    assert f'value="{defaults["duration_seconds"]}"' in page  # the platform's defaults
    before = snapshot()
    url = f"/tenders/{tender.pk}/lots/new/"
    response = client.post(url, lot_post(world, tender, reserve_price="200000"), **HTMX)
    assert response.status_code == 200
    assert "The reserve price must not exceed the start price." in html(response)
    response = client.post(
        url,
        lot_post(world, tender, soft_close_window_seconds="60", soft_close_extension_seconds="0"),
        **HTMX,
    )
    assert "The soft close needs both a window and an extension" in html(response)
    response = client.post(url, lot_post(world, tender, step_value="60"), **HTMX)
    assert "A step of 50% of the start price or more is not a step." in html(response)
    # The service's message about a field left empty stays while the form is filled in.
    response = client.post(
        url,
        lot_post(
            world,
            tender,
            soft_close_window_seconds="0",
            soft_close_extension_seconds="0",
            soft_close_max_extensions="2",
        ),
        **HTMX,
    )
    assert "These limits need a soft close window." in html(response)
    assert "No problems found so far." not in html(response)
    response = client.post(url, lot_post(world, tender, reserve_price="200000"))
    assert response.status_code == 400
    assert "The reserve price must not exceed the start price." in html(response)
    response = client.post(url, lot_post(world, tender, quantity="lots"))
    assert response.status_code == 400 and "Enter a number." in html(response)
    assert snapshot() == before


def test_add_edit_and_delete_lots(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    delivery = timezone.localdate() + timedelta(days=40)
    response = client.post(
        f"/tenders/{tender.pk}/lots/new/",
        lot_post(
            world,
            tender,
            reserve_price="95000",
            delivery_date=delivery.isoformat(),
            auction_format="english",
            step_kind="amount",
            step_value="500",
            duration_seconds="900",
            soft_close_window_seconds="120",
            soft_close_extension_seconds="60",
            visibility="rank_only",
            min_participants="1",
        ),
    )
    assert response.status_code == 302, messages_of(response) or html(response)
    lot = tender.lots.get()
    assert (lot.number, lot.reserve_price, lot.delivery_date) == (1, Decimal("95000"), delivery)
    assert (lot.step_kind, lot.step_value, lot.duration_seconds) == ("amount", Decimal(500), 900)
    assert (lot.soft_close_window_seconds, lot.soft_close_extension_seconds) == (120, 60)
    assert (lot.visibility, lot.min_participants, lot.incoterms) == ("rank_only", 1, "DAP")

    page = html(client.get(f"/tenders/{tender.pk}/manage/"))
    assert "Diesel EN 590" in page and f"/lots/{lot.pk}/edit/" in page
    assert "95,000.00" in page  # the buyer sees its reserve

    response = client.post(
        f"/lots/{lot.pk}/edit/", lot_post(world, tender, title="Diesel, grade C", unit="m3")
    )
    assert response.status_code == 302
    lot.refresh_from_db()
    assert (lot.title, lot.unit, lot.reserve_price) == ("Diesel, grade C", "m3", None)

    response = client.post(f"/lots/{lot.pk}/delete/")
    assert response.status_code == 302 and not tender.lots.exists()


def test_a_published_tenders_lots_cannot_be_changed(client, world):
    tender = world.published()
    lot = tender.lots.get()
    log_in(client, world.officer)
    before = snapshot()
    response = client.post(f"/lots/{lot.pk}/edit/", lot_post(world, tender), follow=True)
    assert "only a draft can be changed" in " ".join(messages_of(response))
    response = client.post(f"/lots/{lot.pk}/delete/", follow=True)
    assert "only a draft can be changed" in " ".join(messages_of(response))
    assert snapshot() == before


# --- Lots from XLSX --------------------------------------------------------------------------


def workbook(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(lot_import.LOT_IMPORT_COLUMNS[:7]))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("lots.xlsx", buffer.getvalue())


def test_import_lots_all_or_nothing_with_the_report(client, world):
    tender = world.draft(lots=1)
    log_in(client, world.officer)
    url = f"/tenders/{tender.pk}/lots/import/"
    page = html(client.get(url))
    assert "/tenders/lots-template.xlsx" in page
    before = snapshot()
    response = client.post(
        url,
        {
            "file": workbook(
                [
                    ["Petrol", 10, "t", 5000, None, "", None],
                    ["Kerosene", 10, "t", 5000, 9000, "", None],
                ]
            )
        },
    )
    assert response.status_code == 400
    report = [(p.row, p.column) for p in response.context["report"]]
    assert report == [(3, "reserve_price")]
    assert "The file has 1 problem(s); no lot was added." in html(response)
    assert "The reserve price must not exceed the start price." in html(response)
    assert snapshot() == before

    response = client.post(url, {"file": SimpleUploadedFile("lots.csv", b"title\nx\n")})
    assert response.status_code == 400 and "Upload an Excel workbook (.xlsx)" in html(response)
    assert snapshot() == before

    response = client.post(
        url, {"file": workbook([["Petrol", 10, "t", 5000, 4000, "Lviv", None]])}, follow=True
    )
    assert "1 lot(s) added." in messages_of(response)
    assert list(tender.lots.values_list("number", "title")) == [(1, "Lot 1"), (2, "Petrol")]


def test_the_template_downloads_for_anyone(client):
    response = client.get("/tenders/lots-template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "title"


# --- Publishing, documents, invitations ------------------------------------------------------


def test_publish_needs_a_lot_and_then_opens_the_lots(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    before = snapshot()
    response = client.post(f"/tenders/{tender.pk}/publish/", follow=True)
    assert "Add at least one lot before publishing." in messages_of(response)
    assert snapshot() == before
    drafting.lot_create(
        actor=world.officer,
        tender=tender,
        title="Diesel",
        quantity=1,
        unit="t",
        start_price=Decimal(1000),
    )
    response = client.post(f"/tenders/{tender.pk}/publish/", follow=True)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    assert set(tender.lots.values_list("status", flat=True)) == {LotStatus.PUBLISHED}
    lot = tender.lots.get()
    assert f"/lots/{lot.pk}/" in html(response)  # the live console, per lot
    assert f"/tenders/{tender.pk}/edit/" not in html(response)
    manage_link = f'href="/tenders/{tender.pk}/manage/"'
    assert manage_link in html(client.get(f"/tenders/{tender.pk}/"))
    log_in(client, world.supplier_admin)
    assert manage_link not in html(client.get(f"/tenders/{tender.pk}/"))


def test_documents_upload_and_download(client, world):
    tender = world.draft(lots=1)
    log_in(client, world.officer)
    response = client.post(
        f"/tenders/{tender.pk}/documents/",
        {"title": "Specification", "file": SimpleUploadedFile("spec.pdf", PDF_BYTES)},
        follow=True,
    )
    assert "The document is uploaded." in messages_of(response)
    document = tender.documents.get()
    before = snapshot()
    response = client.post(
        f"/tenders/{tender.pk}/documents/",
        {"file": SimpleUploadedFile("spec.exe", b"MZ...")},
        follow=True,
    )
    assert "Only PDF, PNG, JPEG, XLSX and DOCX files are accepted." in messages_of(response)
    assert snapshot() == before
    drafting.tender_publish(actor=world.officer, tender=tender)
    log_in(client, world.supplier_admin)
    page = html(client.get(f"/tenders/{tender.pk}/"))
    assert f"/tenders/{tender.pk}/documents/{document.pk}/" in page
    response = client.get(f"/tenders/{tender.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    log_in(client, world.outsider_admin)
    assert client.get(f"/tenders/{tender.pk}/documents/{document.pk}/").status_code == 404


def test_invitations_for_an_invitation_only_tender(client, world):
    tender = world.draft(lots=1, participation=Participation.INVITATION)
    log_in(client, world.officer)
    page = html(client.get(f"/tenders/{tender.pk}/manage/"))
    assert "Supplier Alpha Canary" in page and "Unverified Gamma" not in page  # candidates
    response = client.post(
        f"/tenders/{tender.pk}/invitations/", {"supplier": world.unverified.pk}, follow=True
    )
    assert "Only verified suppliers can be invited." in " ".join(messages_of(response))
    response = client.post(
        f"/tenders/{tender.pk}/invitations/", {"supplier": world.supplier.pk}, follow=True
    )
    assert "Supplier Alpha Canary is invited." in messages_of(response)
    invitation = TenderInvitation.objects.get(tender=tender)
    drafting.tender_publish(actor=world.officer, tender=tender)
    # The invited supplier may apply; the one not invited does not even see the tender.
    log_in(client, world.other_admin)
    assert client.get(f"/tenders/{tender.pk}/").status_code == 404
    lot = tender.lots.get()
    assert (
        client.post(f"/lots/{lot.pk}/apply/", {f"lot{lot.pk}-terms_accepted": "on"}).status_code
        == 404
    )
    log_in(client, world.supplier_admin)
    assert "Apply to this lot" in html(client.get(f"/tenders/{tender.pk}/"))
    log_in(client, world.officer)
    client.post(f"/tenders/{tender.pk}/invitations/{invitation.pk}/delete/")
    assert not TenderInvitation.objects.filter(pk=invitation.pk).exists()


# --- The supplier: apply, withdraw, ask ------------------------------------------------------


def apply_data(lot, company, **overrides) -> dict:
    data = {
        f"lot{lot.pk}-supplier": company.pk,
        f"lot{lot.pk}-terms_accepted": "on",
        f"lot{lot.pk}-initial_amount": "",
    }
    data.update({f"lot{lot.pk}-{k}": v for k, v in overrides.items()})
    return data


def test_apply_refusals_show_the_reason_and_write_nothing(client, world):
    tender = world.published()
    lot = tender.lots.get()
    log_in(client, world.supplier_admin)
    before = snapshot()
    response = client.post(f"/lots/{lot.pk}/apply/", {f"lot{lot.pk}-supplier": world.supplier.pk})
    assert response.status_code == 400
    assert "You must accept the tender&#x27;s terms." in html(response)
    response = client.post(
        f"/lots/{lot.pk}/apply/", apply_data(lot, world.supplier, initial_amount="999999")
    )
    assert response.status_code == 400
    assert "The initial offer must be above zero and at most the start price." in html(response)
    log_in(client, world.uncovered_admin)
    page = html(client.get(f"/tenders/{tender.pk}/"))
    assert "Uncovered Epsilon cannot take part:" in page and "Apply to this lot" not in page
    response = client.post(f"/lots/{lot.pk}/apply/", apply_data(lot, world.uncovered))
    assert response.status_code == 400
    assert "do not cover this tender" in html(response)
    log_in(client, world.unverified_admin)  # does not see the tender at all
    data = apply_data(lot, world.unverified)
    assert client.post(f"/lots/{lot.pk}/apply/", data).status_code == 404
    log_in(client, world.officer)  # the buyer is no supplier here
    data = apply_data(lot, world.buyer)
    response = client.post(f"/lots/{lot.pk}/apply/", data, follow=True)
    assert "None of your companies may apply to this lot." in messages_of(response)
    assert snapshot() == before


def test_apply_withdraw_and_see_the_decision(client, world):
    tender = world.published()
    lot = tender.lots.get()
    log_in(client, world.supplier_bidder)
    response = client.post(
        f"/lots/{lot.pk}/apply/",
        apply_data(lot, world.supplier, initial_amount="99000"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/tenders/{tender.pk}/"
    application = Application.objects.get(lot=lot, supplier=world.supplier)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.initial_amount == Decimal("99000")
    page = html(response)
    assert "Application of Supplier Alpha Canary" in page and "Submitted" in page
    assert "Apply to this lot" not in page  # one application per lot

    response = client.post(f"/applications/{application.pk}/withdraw/", follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert "Apply to this lot" in html(response)  # may apply again
    client.post(f"/lots/{lot.pk}/apply/", apply_data(lot, world.supplier))

    # The buyer decides on the manage page: a rejection needs a reason.
    world.apply(lot, company=world.other_supplier)
    log_in(client, world.officer)
    page = html(client.get(f"/tenders/{tender.pk}/manage/"))
    assert "Supplier Alpha Canary" in page and "Supplier Beta Canary" in page
    other = Application.objects.get(lot=lot, supplier=world.other_supplier)
    before = snapshot()
    response = client.post(f"/applications/{other.pk}/reject/", {"reason": " "}, follow=True)
    assert "Give a reason." in messages_of(response)
    assert snapshot() == before
    client.post(f"/applications/{other.pk}/reject/", {"reason": "No licence attached"})
    response = client.post(f"/applications/{application.pk}/admit/", follow=True)
    assert "Supplier Alpha Canary is admitted to lot 1." in messages_of(response)
    application.refresh_from_db()
    other.refresh_from_db()
    assert (application.status, application.label) == (ApplicationStatus.ADMITTED, 1)
    assert (other.status, other.reason) == (ApplicationStatus.REJECTED, "No licence attached")

    log_in(client, world.other_admin)
    page = html(client.get(f"/tenders/{tender.pk}/"))
    assert "Rejected" in page and "No licence attached" in page
    assert "Supplier Alpha Canary" not in page  # never a competitor's name
    log_in(client, world.supplier_admin)
    page = html(client.get(f"/tenders/{tender.pk}/"))
    assert "Admitted" in page and "you bid as Bidder #1" in page
    assert "No licence attached" not in page and "Supplier Beta Canary" not in page


def test_questions_asked_answered_and_published_without_the_asker(client, world):
    tender = world.published()
    log_in(client, world.supplier_admin)
    before = snapshot()
    response = client.post(
        f"/tenders/{tender.pk}/questions/", {"text": "", "supplier": world.supplier.pk}
    )
    assert response.status_code == 400 and "This field is required." in html(response)
    assert snapshot() == before
    response = client.post(
        f"/tenders/{tender.pk}/questions/",
        {"text": "Is grade C acceptable?", "supplier": world.supplier.pk},
        follow=True,
    )
    assert "Your question is sent" in messages_of(response)[0]
    question = Question.objects.get(tender=tender)
    assert question.asked_by_company == world.supplier
    assert "Is grade C acceptable?" in html(response) and "your question" in html(response)
    log_in(client, world.other_admin)
    assert "Is grade C acceptable?" not in html(client.get(f"/tenders/{tender.pk}/"))

    log_in(client, world.officer)
    assert "Is grade C acceptable?" in html(client.get(f"/tenders/{tender.pk}/manage/"))
    response = client.post(f"/questions/{question.pk}/answer/", {"answer": ""}, follow=True)
    assert "Write the answer." in messages_of(response)
    client.post(f"/questions/{question.pk}/answer/", {"answer": "Yes, grade C is fine."})
    question.refresh_from_db()
    assert question.answer == "Yes, grade C is fine."

    for viewer in (world.other_admin, None):
        if viewer:
            log_in(client, viewer)
        else:
            client.logout()
        page = html(client.get(f"/tenders/{tender.pk}/"))
        assert "Is grade C acceptable?" in page and "Yes, grade C is fine." in page
        assert "Supplier Alpha Canary" not in page


def test_questions_close_at_their_deadline(client, world):
    tender = world.published()
    Tender.objects.filter(pk=tender.pk).update(questions_deadline=timezone.now())
    log_in(client, world.supplier_admin)
    assert 'id="ask-form"' not in html(client.get(f"/tenders/{tender.pk}/"))
    before = snapshot()
    response = client.post(
        f"/tenders/{tender.pk}/questions/", {"text": "Late?", "supplier": world.supplier.pk}
    )
    assert response.status_code == 400
    assert "The deadline for questions has passed." in html(response)
    assert snapshot() == before


# --- Closing applications and scheduling -----------------------------------------------------


def test_close_applications_and_schedule(client, world):
    tender = world.published(lot_overrides={"min_participants": 1})
    lot = tender.lots.get()
    application = world.apply(lot)
    log_in(client, world.officer)
    response = client.post(f"/lots/{lot.pk}/close-applications/", follow=True)
    assert "Applications are open until the deadline." in messages_of(response)
    world.past_deadline(tender)
    response = client.post(f"/lots/{lot.pk}/close-applications/", follow=True)
    assert "Applications to lot 1 are closed." in messages_of(response)
    response = client.post(f"/lots/{lot.pk}/schedule/", follow=True)
    assert "Admit or reject every application first." in messages_of(response)
    applications.application_admit(actor=world.officer, application=application)
    response = client.post(f"/lots/{lot.pk}/schedule/", follow=True)
    assert "Lot 1 is scheduled." in messages_of(response)
    lot.refresh_from_db()
    assert lot.status == LotStatus.AUCTION_SCHEDULED
    assert lot.starts_at == Tender.objects.get(pk=tender.pk).auction_start
    assert Lot.objects.filter(pk=lot.pk, status=LotStatus.AUCTION_SCHEDULED).exists()


# --- Weighted lots and step bands ------------------------------------------------------------

CRITERIA = "delivery | Delivery time | within 10 days = 0.05; within 20 days = 0.02; later = 0"


def test_step_bands_and_weighted_criteria_typed_as_text(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    url = f"/tenders/{tender.pk}/lots/new/"
    before = snapshot()
    response = client.post(url, lot_post(world, tender, weighted="on"))
    assert response.status_code == 400
    assert "A weighted lot needs at least one criterion." in html(response)
    response = client.post(url, lot_post(world, tender, weighted="on", criteria="delivery | x"))
    assert "Line 1: write code | title | option = value; option = value." in html(response)
    response = client.post(
        url, lot_post(world, tender, weighted="on", criteria="a | A | yes = 0.6\nb | B | yes = 0.5")
    )
    assert "The criteria&#x27;s largest values must add up to less than 1." in html(response)
    response = client.post(url, lot_post(world, tender, step_bands="50000 500"))
    assert "Line 1: write the bound and the step" in html(response)
    assert snapshot() == before

    response = client.post(
        url,
        lot_post(
            world,
            tender,
            weighted="on",
            criteria=CRITERIA,
            step_bands="50000; 500\n10000; 100",
            step_kind="amount",
            step_value="1000",
        ),
    )
    assert response.status_code == 302, html(response)
    lot = tender.lots.get()
    assert lot.weighted and lot.step_bands == [
        {"below": "50000", "step": "500"},
        {"below": "10000", "step": "100"},
    ]
    (criterion,) = lot.criteria.all()
    assert (criterion.code, criterion.title) == ("delivery", "Delivery time")
    assert [o["value"] for o in criterion.options] == ["0.05", "0.02", "0"]
    # The edit form shows them as they were typed.
    page = html(client.get(f"/lots/{lot.pk}/edit/"))
    assert "within 10 days = 0.05; within 20 days = 0.02; later = 0" in page
    assert "50000; 500" in page

    # A supplier chooses one option per criterion when applying.
    drafting.tender_publish(actor=world.officer, tender=tender)
    log_in(client, world.supplier_admin)
    page = html(client.get(f"/tenders/{tender.pk}/"))
    assert "Delivery time" in page and "within 20 days" in page
    before = snapshot()
    response = client.post(f"/lots/{lot.pk}/apply/", apply_data(lot, world.supplier))
    assert response.status_code == 400
    assert "Choose one option for each criterion: delivery." in html(response)
    assert snapshot() == before
    response = client.post(
        f"/lots/{lot.pk}/apply/",
        apply_data(lot, world.supplier, criterion_delivery="0.05"),
    )
    assert response.status_code == 302
    application = Application.objects.get(lot=lot)
    assert application.criteria_values == {"delivery": "0.05"}
    assert application.coefficient > 1


@pytest.mark.parametrize("language", ["uk", "ru", "en"])
def test_the_pages_render_in_every_language(client, world, language):
    tender = world.published()
    lot = tender.lots.get()
    world.apply(lot)
    log_in(client, world.officer)
    client.cookies["django_language"] = language
    page = html(client.get(f"/tenders/{tender.pk}/manage/"))
    assert f'<html lang="{language}">' in page
    if language != "en":
        assert "100\u00a0000,00\u00a0₴" in page  # the start price, the reader's way
    assert client.get("/tenders/new/").status_code == 200
    log_in(client, world.supplier_admin)
    client.cookies["django_language"] = language
    assert f'<html lang="{language}">' in html(client.get(f"/tenders/{tender.pk}/"))
