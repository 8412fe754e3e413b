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
from django.utils.formats import date_format
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
    """The lot form as the page fills it: the platform's defaults (durations in minutes) plus
    the item; the tables' rows left empty."""
    defaults = validation.lot_defaults_from_platform(tender.platform)
    data = {
        "auction_format": defaults["auction_format"],
        "step_kind": defaults["step_kind"],
        "step_value": defaults["step_value"],
        "duration_minutes": defaults["duration_seconds"] // 60,
        "soft_close_window_minutes": defaults["soft_close_window_seconds"] // 60,
        "soft_close_extension_minutes": defaults["soft_close_extension_seconds"] // 60,
        "visibility": defaults["visibility"],
        "min_participants": defaults["min_participants"],
        "title": "Diesel EN 590",
        "quantity": "100",
        "unit": "t",
        "start_price": "100000.00",
        "reserve_price": "",
        "delivery_place": "Kyiv",
        "delivery_date": "",
        "incoterms": "DAP",
        "step_reference": "best",
        "tie_rule": "earlier_first",
        "stagger_minutes": "0",
        "rounds": "3",
        "turn_seconds": "120",
        "first_pause_minutes": "5",
        "round_pause_minutes": "2",
        "allow_single_award": "on",
        "bands-0-below": "",
        "bands-0-step": "",
        "criteria-0-code": "",
        "criteria-0-title": "",
        "criteria-0-options-0-title": "",
        "criteria-0-options-0-value": "",
    }
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
    minutes = defaults["duration_seconds"] // 60  # the platform's defaults, in minutes
    assert f'name="duration_minutes" value="{minutes}"' in page
    before = snapshot()
    url = f"/tenders/{tender.pk}/lots/new/"
    response = client.post(url, lot_post(world, tender, reserve_price="200000"), **HTMX)
    assert response.status_code == 200
    assert "The reserve price must not exceed the start price." in html(response)
    response = client.post(
        url,
        lot_post(world, tender, soft_close_window_minutes="1", soft_close_extension_minutes="0"),
        **HTMX,
    )
    # The service's message about a seconds field, next to the form's minutes field.
    assert "The soft close needs both a window and an extension" in html(response)
    assert '<div class="errors" id="id_soft_close_extension_minutes_errors"' in html(response)
    response = client.post(url, lot_post(world, tender, step_value="60"), **HTMX)
    assert "A step of 50% of the start price or more is not a step." in html(response)
    # The service's message about a field left empty stays while the form is filled in.
    response = client.post(
        url,
        lot_post(
            world,
            tender,
            soft_close_window_minutes="0",
            soft_close_extension_minutes="0",
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
            duration_minutes="15",
            soft_close_window_minutes="2",
            soft_close_extension_minutes="1",
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
    publish = f"/tenders/{tender.pk}/publish/"
    before = snapshot()
    # The summary says what publishing would refuse, and offers no "Publish".
    page = html(client.get(publish))
    assert "Add at least one lot before publishing." in page
    assert 'id="publish-confirm"' not in page and 'id="back-to-editing"' in page
    response = client.post(publish, {"confirm": "1"}, follow=True)
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
    # The manage page links to the summary; only the summary's POST publishes.
    assert f'id="publish" href="{publish}"' in html(client.get(f"/tenders/{tender.pk}/manage/"))
    assert 'id="publish-confirm"' in html(client.get(publish))
    response = client.post(publish)  # not from the summary: the summary
    assert (response.status_code, response["Location"]) == (302, publish)
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.DRAFT
    response = client.post(publish, {"confirm": "1"}, follow=True)
    assert "The tender is published: its lots take applications." in messages_of(response)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    assert set(tender.lots.values_list("status", flat=True)) == {LotStatus.PUBLISHED}
    lot = tender.lots.get()
    assert f"/lots/{lot.pk}/" in html(response)  # the live console, per lot
    assert f"/tenders/{tender.pk}/edit/" not in html(response)
    response = client.get(publish, follow=True)  # published: no summary to confirm
    assert "only a draft can be changed" in " ".join(messages_of(response))
    manage_link = f'href="/tenders/{tender.pk}/manage/"'
    assert manage_link in html(client.get(f"/tenders/{tender.pk}/"))
    log_in(client, world.supplier_admin)
    assert manage_link not in html(client.get(f"/tenders/{tender.pk}/"))


def test_the_publish_summary_says_each_lot_in_plain_words_and_writes_nothing(client, world):
    tender = world.draft(lots=0, participation=Participation.INVITATION)
    common = {"quantity": 10, "unit": "t", "start_price": Decimal(100000)}
    drafting.lot_create(
        actor=world.officer,
        tender=tender,
        title="Open bidding",
        step_kind="percent",
        step_value=Decimal("0.5"),
        step_bands=[{"below": "50000", "step": "0.25"}],
        soft_close_window_seconds=120,
        soft_close_extension_seconds=90,
        soft_close_max_extensions=4,
        duration_seconds=1800,
        weighted=True,
        criteria=[
            {
                "code": "delivery",
                "title": "Delivery time",
                "options": [
                    {"title": "10 days", "value": "0.05"},
                    {"title": "later", "value": "0"},
                ],
            }
        ],
        **common,
    )
    drafting.lot_create(
        actor=world.officer,
        tender=tender,
        title="In turns",
        auction_format="rounds",
        step_kind="amount",
        step_value=Decimal(250),
        turn_seconds=45,
        stagger_seconds=600,
        **common,
    )
    drafting.lot_create(
        actor=world.officer,
        tender=tender,
        title="By the clock",
        auction_format="japanese",
        floor_price=Decimal(60000),
        level_seconds=30,
        **common,
    )
    log_in(client, world.officer)
    before = snapshot()
    response = client.get(f"/tenders/{tender.pk}/publish/")
    assert response.status_code == 200
    page = html(response).replace("\xa0", " ")  # (money's non-breaking space)
    assert snapshot() == before  # nothing published, nothing written
    assert "By invitation only" in page and "0 suppliers invited" in page
    auction = date_format(timezone.localtime(tender.auction_start), "DATETIME_FORMAT")
    assert f"{auction} UTC" in page  # in the reader's time zone
    english, rounds, japanese = (
        page[page.index(f'id="lot-summary-{lot.pk}"') :] for lot in tender.lots.order_by("number")
    )
    english = english[: english.index("</section>")]
    rounds = rounds[: rounds.index("</section>")]
    japanese = japanese[: japanese.index("</section>")]
    assert "English reverse with soft close." in english
    assert "0.5% of the start price: UAH 500.00 a step" in english
    assert "below UAH 50,000.00: 0.25% of the start price: UAH 250.00 a step" in english
    assert (
        "a bid in the last 2 min extends the auction by 1 min 30 s; at most 4 extensions" in english
    )
    assert "30 min" in english and "Delivery time (delivery): 10 days = 0.05; later = 0" in english
    assert "Rounds" not in english and "Floor price" not in english
    assert "Turn-based rounds." in rounds and "UAH 250.00 a step" in rounds
    assert "3 rounds, a turn of 45 s each, a first pause of 5 min and 2 min between" in rounds
    assert "10 min after the previous lot" in rounds
    assert "Soft close" not in rounds and "Duration" not in rounds
    assert "UAH 60,000.00" in japanese and "30 s" in japanese and "Soft close" not in japanese
    assert 'id="publish-confirm"' in page


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


# --- The lot form guided by the format: minutes, rows -----------------------------------------


def test_the_lot_form_starts_with_the_format_and_marks_each_group_with_its_formats(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    page = html(client.get(f"/tenders/{tender.pk}/lots/new/"))
    assert page.index('type="radio" name="auction_format"') < page.index('name="title"')
    for fmt in ("english", "rounds", "sealed", "japanese", "dutch"):
        assert f'type="radio" name="auction_format" value="{fmt}"' in page
    assert "the last one standing wins" in page  # each format explained in a line
    for group, formats in (
        ("step", "english rounds japanese dutch"),
        ("bidding", "english"),
        ("duration", "english sealed"),
        ("soft_close", "english"),
        ("rounds", "rounds"),
        ("clock", "japanese dutch"),
        ("weighted", "english rounds sealed"),
        ("item", "english rounds sealed japanese dutch"),
    ):
        assert f'id="lot-group-{group}" class="lot-group" data-formats="{formats}"' in page
    assert "frontend/lot-form.js" in page and "frontend/money.js" in page
    assert '"per_step": "= %(amount)s per step"' in page and '"digits": 2' in page
    # Without the script: the tables offer empty rows, the buttons wait for it.
    assert 'name="bands-1-below" value=""' in page and 'name="criteria-0-options-2-value"' in page
    assert '<template id="band-row-template">' in page and 'name="bands-__i__-step"' in page
    assert 'id="band-add" data-add-row="band-row-template" data-rows="band-rows" hidden' in page


def test_every_lot_rule_of_the_service_is_on_the_form_once():
    from frontend.lot_forms import LOT_FORM_FIELDS, SERVICE_NAMES

    names = [SERVICE_NAMES.get(name, name) for name in LOT_FORM_FIELDS]
    assert len(names) == len(set(names))
    assert set(names) - {"criteria"} == set(validation.LOT_FIELDS) - {"security_percent"}


def test_durations_are_typed_in_minutes_and_kept_in_seconds(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    url = f"/tenders/{tender.pk}/lots/new/"
    before = snapshot()
    response = client.post(url, lot_post(world, tender, duration_minutes="1.01"))
    assert response.status_code == 400
    assert "1.01 minutes is not a whole number of seconds: write minutes and seconds" in html(
        response
    )
    # Checked as typed: each field's messages out of band, under the minutes field.
    response = client.post(url, lot_post(world, tender, duration_minutes="soon"), **HTMX)
    assert (
        '<div class="errors" id="id_duration_minutes_errors" aria-live="polite" '
        'hx-swap-oob="true"><p class="field-error">Write minutes, e.g. 30, or minutes and '
        "seconds, e.g. 2:30.</p></div>"
    ) in html(response)
    response = client.post(url, lot_post(world, tender, duration_minutes="0:05"), **HTMX)
    assert "At least 10 s." in html(response)  # the model's bounds, said in time
    response = client.post(url, lot_post(world, tender, duration_minutes="10081"), **HTMX)
    assert "At most 168 h." in html(response)
    assert snapshot() == before

    response = client.post(
        url,
        lot_post(
            world,
            tender,
            duration_minutes="2:30",
            soft_close_window_minutes="1.5",
            soft_close_extension_minutes="0,5",
            stagger_minutes="1",
        ),
    )
    assert response.status_code == 302, html(response)
    lot = tender.lots.get()
    assert (lot.duration_seconds, lot.stagger_seconds) == (150, 60)
    assert (lot.soft_close_window_seconds, lot.soft_close_extension_seconds) == (90, 30)
    page = html(client.get(f"/lots/{lot.pk}/edit/"))
    assert 'name="duration_minutes" value="2:30"' in page
    assert 'name="soft_close_window_minutes" value="1:30"' in page
    assert 'name="stagger_minutes" value="1"' in page
    assert 'name="turn_seconds" value="120"' in page  # a turn is short: in seconds


def test_what_the_chosen_format_does_not_use_is_ignored(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    url = f"/tenders/{tender.pk}/lots/new/"
    # English: the rounds' and the clock's fields, hidden, do not block it even when wrong.
    leftovers = {
        "turn_seconds": "soon",
        "first_pause_minutes": "x",
        "rounds": "99",
        "level_seconds": "1",
        "floor_price": "5",
    }
    response = client.post(url, lot_post(world, tender, **leftovers), **HTMX)
    assert "No problems found so far." in html(response)
    assert 'id="id_turn_seconds_errors" aria-live="polite" hx-swap-oob="true"></div>' in html(
        response
    )
    response = client.post(url, lot_post(world, tender, **leftovers))
    assert response.status_code == 302, html(response)
    lot = tender.lots.get()
    assert (lot.floor_price, lot.rounds, lot.turn_seconds, lot.level_seconds) == (None, 3, 120, 60)

    # Rounds: no duration and no soft close of its own (off), no English bidding rules.
    edit = f"/lots/{lot.pk}/edit/"
    response = client.post(
        edit,
        lot_post(
            world,
            tender,
            auction_format="rounds",
            turn_seconds="30",
            soft_close_window_minutes="x",
            soft_close_extension_minutes="",
            duration_minutes="1",
            step_reference="own",
        ),
    )
    assert response.status_code == 302, html(response)
    lot.refresh_from_db()
    assert (lot.auction_format, lot.turn_seconds, lot.step_reference) == ("rounds", 30, "best")
    assert (lot.soft_close_window_seconds, lot.soft_close_extension_seconds) == (0, 0)
    assert (
        lot.duration_seconds
        == validation.lot_defaults_from_platform(tender.platform)["duration_seconds"]
    )

    # Sealed: no step at all, whatever the hidden step fields hold.
    response = client.post(
        edit,
        lot_post(
            world,
            tender,
            auction_format="sealed",
            step_kind="amount",
            step_value="999999",
            **{"bands-0-below": "ten", "bands-0-step": "1"},
        ),
    )
    assert response.status_code == 302, html(response)
    lot.refresh_from_db()
    assert (lot.step_kind, lot.step_bands) == ("percent", [])

    # A weighted lot made Japanese: the clock ranks by price alone, the weighting goes.
    weighted = {"weighted": "on", **criterion_rows(0, "delivery", "Delivery", ("fast", "0.05"))}
    assert client.post(edit, lot_post(world, tender, **weighted)).status_code == 302
    assert Lot.objects.get(pk=lot.pk).criteria.count() == 1
    response = client.post(
        edit,
        lot_post(
            world,
            tender,
            auction_format="japanese",
            floor_price="60000",
            level_seconds="30",
            **weighted,
        ),
    )
    assert response.status_code == 302, html(response)
    lot.refresh_from_db()
    assert (lot.auction_format, lot.floor_price, lot.level_seconds) == (
        "japanese",
        Decimal(60000),
        30,
    )
    assert not lot.weighted and not lot.criteria.exists()


def test_step_bands_are_rows_each_with_its_problem(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    url = f"/tenders/{tender.pk}/lots/new/"
    before = snapshot()
    rows = {
        "bands-0-below": "50000",
        "bands-0-step": "500",
        "bands-1-below": "",
        "bands-1-step": "",
        "bands-4-below": "ten",  # added by the script: numbered after the others
        "bands-4-step": "100",
        "bands-5-below": "20000",
        "bands-5-step": "",
    }
    data = lot_post(world, tender, step_kind="amount", step_value="1000", **rows)
    response = client.post(url, data)
    assert response.status_code == 400
    page = html(response)
    assert (
        '<div class="errors" id="bands-4-errors" aria-live="polite"><p class="field-error">'
        "“ten” is not a number.</p></div>"
    ) in page
    assert (
        'id="bands-5-errors" aria-live="polite"><p class="field-error">'
        "Give both the price and the step.</p>"
    ) in page
    assert 'id="bands-0-errors" aria-live="polite"></div>' in page
    assert "Put right the rows marked above." in page
    # What was typed stays, row by row; the next row the script adds is number 6.
    assert 'name="bands-4-below" value="ten"' in page and 'name="bands-0-step" value="500"' in page
    assert 'name="bands-1-below" value=""' in page and 'id="band-rows" data-next="6"' in page
    # Checked as typed: each row's messages out of band; a half-typed row says nothing yet.
    page = html(client.post(url, data, **HTMX))
    assert (
        '<div class="errors" id="bands-5-errors" aria-live="polite" hx-swap-oob="true"></div>'
        in (page)
    )
    assert (
        'id="bands-4-errors" aria-live="polite" hx-swap-oob="true"><p class="field-error">'
        "“ten” is not a number."
    ) in page
    assert "No problems found so far." not in page
    # The service's rules about the bands together, under the table.
    response = client.post(
        url,
        lot_post(
            world,
            tender,
            **{
                "bands-0-below": "5",
                "bands-0-step": "1",
                "bands-3-below": "5",
                "bands-3-step": "2",
            },
        ),
    )
    assert (
        '<div class="errors" id="id_step_bands_errors" aria-live="polite"><p class="field-error">'
        "Two bands have the same bound.</p>"
    ) in html(response)
    assert snapshot() == before

    rows = {"bands-0-below": "50000", "bands-0-step": "500", "bands-2-below": "10 000"}
    rows["bands-2-step"] = "100"
    response = client.post(
        url, lot_post(world, tender, step_kind="amount", step_value="1000", **rows)
    )
    assert response.status_code == 302, html(response)
    lot = tender.lots.get()
    assert lot.step_bands == [{"below": "50000", "step": "500"}, {"below": "10000", "step": "100"}]
    page = html(client.get(f"/lots/{lot.pk}/edit/"))
    assert (
        'name="bands-0-below" value="50000"' in page and 'name="bands-1-step" value="100"' in page
    )
    assert 'name="bands-3-below" value=""' in page and 'name="bands-4-below"' not in page


def criterion_rows(number: int, code: str, title: str, *options: tuple[str, str]) -> dict:
    """A criterion's cells as the form posts them: its code, title and option rows."""
    data = {f"criteria-{number}-code": code, f"criteria-{number}-title": title}
    for j, (option, value) in enumerate(options):
        data[f"criteria-{number}-options-{j}-title"] = option
        data[f"criteria-{number}-options-{j}-value"] = value
    return data


DELIVERY = ("delivery", "Delivery time")
DELIVERY_OPTIONS = (("within 10 days", "0.05"), ("within 20 days", "0.02"), ("later", "0"))


def test_weighted_criteria_are_rows_of_options(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    url = f"/tenders/{tender.pk}/lots/new/"
    before = snapshot()
    response = client.post(url, lot_post(world, tender, weighted="on"))
    assert response.status_code == 400
    assert "A weighted lot needs at least one criterion." in html(response)
    half = criterion_rows(0, "delivery", "", ("within 10 days", "0.05"), ("later", ""))
    page = html(client.post(url, lot_post(world, tender, weighted="on", **half)))
    assert (
        'id="criteria-0-errors" aria-live="polite"><p class="field-error">Give the criterion a title.'
        in (page)
    )
    assert (
        'id="criteria-0-options-1-errors" aria-live="polite"><p class="field-error">Give the option a value.'
        in (page)
    )
    assert 'id="criteria-0-options-0-errors" aria-live="polite"></div>' in page
    assert 'name="criteria-0-options-0-title" value="within 10 days"' in page  # kept
    too_much = {
        **criterion_rows(0, "a", "A", ("yes", "0.6")),
        **criterion_rows(3, "b", "B", ("yes", "0.5")),
    }
    response = client.post(url, lot_post(world, tender, weighted="on", **too_much))
    assert "The criteria&#x27;s largest values must add up to less than 1." in html(response)
    assert snapshot() == before

    rows = {
        **criterion_rows(0, *DELIVERY, *DELIVERY_OPTIONS, ("", "")),
        **criterion_rows(1, "", "", ("", ""), ("", "")),  # left empty: left out
    }
    data = lot_post(world, tender, weighted="on", step_kind="amount", step_value="1000", **rows)
    response = client.post(url, data)
    assert response.status_code == 302, html(response)
    lot = tender.lots.get()
    assert lot.weighted
    (criterion,) = lot.criteria.all()
    assert (criterion.code, criterion.title) == DELIVERY
    assert [o["value"] for o in criterion.options] == ["0.05", "0.02", "0"]
    # The edit form shows them as rows, with an empty option and an empty criterion to fill.
    page = html(client.get(f"/lots/{lot.pk}/edit/"))
    assert 'name="criteria-0-code" value="delivery"' in page
    assert 'name="criteria-0-options-2-title" value="later"' in page
    assert 'name="criteria-0-options-2-value" value="0"' in page
    assert 'name="criteria-0-options-3-title" value=""' in page
    assert 'name="criteria-1-code" value=""' in page

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
