"""The CRM's sales pages through the test client: the pipeline board (its columns' counts and
totals, "N more", a fixed number of queries), moves (the board's JSON and the plain form; a
lost stage without its reason refused and nothing moved), the opportunities (list, detail with
the stage history and the auction's outcome, create, edit, delete), and the settings (pipelines,
stages, sales targets). Every page renders for each CRM role; readers are offered no edit and
their writes are refused (403, nothing written); another company gets 404; bad input shows a
message and writes nothing. (Drag and drop in a browser: tests/browser/test_crm_pipeline.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auctions.models import Lot
from crm import pipeline_opportunities as opportunities
from crm.models import (
    CustomField,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    SalesTarget,
    Stage,
    StageChange,
)
from marketplace.companies.models import Membership
from tests.crm.analytics_factories import lot_for, tender_for
from tests.crm.pipeline_factories import (
    ADMIN,
    BIDDER,
    MANAGER,
    OFFICER,
    Crm,
    account_make,
    snapshot,
)
from tests.factories import CompanyFactory, member

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def crm():
    return Crm()


def as_(client, user):
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def html(response) -> str:
    return response.content.decode()


def board_url(crm, pipeline=None) -> str:
    return f"/crm/{crm.ws.pk}/pipeline/{(pipeline or crm.pipeline()).pk}/"


def move_url(crm, opportunity) -> str:
    return f"/crm/{crm.ws.pk}/opportunities/{opportunity.pk}/move/"


def pages(crm, opportunity) -> list[str]:
    ws, pipeline = crm.ws.pk, crm.pipeline().pk
    return [
        f"/crm/{ws}/pipeline/{pipeline}/",
        f"/crm/{ws}/opportunities/",
        f"/crm/{ws}/opportunities/{opportunity.pk}/",
        f"/crm/{ws}/pipeline/settings/",
        f"/crm/{ws}/pipeline/{pipeline}/settings/",
        f"/crm/{ws}/pipeline/targets/",
    ]


def editor_pages(crm, opportunity) -> list[str]:
    ws = crm.ws.pk
    return [
        f"/crm/{ws}/opportunities/new/",
        f"/crm/{ws}/opportunities/{opportunity.pk}/edit/",
    ]


# --- Who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [MANAGER, ADMIN, OFFICER, BIDDER])
def test_every_page_renders_for_each_role_and_readers_are_offered_no_edit(client, crm, role):
    deal = crm.opportunity("Diesel for spring", stage="New")
    as_(client, crm.people[role])
    editor = role in (MANAGER, ADMIN)
    for url in pages(crm, deal):
        response = client.get(url)
        assert response.status_code == 200, url
        body = html(response)
        assert ("read-only" in body) is not editor, url
    board = html(client.get(board_url(crm)))
    assert "Diesel for spring" in board
    assert ('class="card-move"' in board) is editor
    assert ("vendor/sortablejs/Sortable.min.js" in board) is editor
    assert ('id="new-opportunity"' in board) is editor
    detail = html(client.get(f"/crm/{crm.ws.pk}/opportunities/{deal.pk}/"))
    assert ('id="opportunity-edit"' in detail) is editor
    assert ('id="quick-move"' in detail) is editor
    for url in editor_pages(crm, deal):
        assert client.get(url).status_code == (200 if editor else 403), url
    # /crm/<ws>/pipeline/ opens the first pipeline's board.
    response = client.get(f"/crm/{crm.ws.pk}/pipeline/")
    assert response.status_code == 302 and response["Location"].startswith(
        f"/crm/{crm.ws.pk}/pipeline/"
    )


def test_a_reader_s_writes_are_refused_and_write_nothing(client, crm):
    deal = crm.opportunity("Deal", stage="New")
    target = SalesTarget.objects.create(
        workspace=crm.ws, period_start="2026-01-01", period_end="2026-03-31", amount=100
    )
    before = snapshot()
    ws, pipeline = crm.ws.pk, crm.pipeline()
    qualified = crm.stage("Qualified")
    for role in (OFFICER, BIDDER):
        as_(client, crm.people[role])
        posts = {
            move_url(crm, deal): {"stage": qualified.pk},
            f"/crm/{ws}/opportunities/new/": {"account": crm.account.pk, "title": "X"},
            f"/crm/{ws}/opportunities/{deal.pk}/edit/": {"account": crm.account.pk, "title": "Y"},
            f"/crm/{ws}/opportunities/{deal.pk}/delete/": {},
            f"/crm/{ws}/pipeline/settings/": {"name": "New", "kind": "sales"},
            f"/crm/{ws}/pipeline/{pipeline.pk}/settings/rename/": {"name": "Renamed"},
            f"/crm/{ws}/pipeline/{pipeline.pk}/stages/new/": {
                "new-name": "Extra",
                "new-probability": 5,
                "new-kind": "open",
            },
            f"/crm/{ws}/pipeline/{pipeline.pk}/stages/{qualified.pk}/delete/": {},
            f"/crm/{ws}/pipeline/{pipeline.pk}/stages/{qualified.pk}/shift/": {"direction": "up"},
            f"/crm/{ws}/pipeline/targets/": {"period_start": "2027-01-01", "amount": "5"},
            f"/crm/{ws}/pipeline/targets/{target.pk}/delete/": {},
        }
        for url, data in posts.items():
            assert client.post(url, data).status_code == 403, url
        assert client.post(move_url(crm, deal), {"stage": qualified.pk}, **JSON).status_code == 403
    assert snapshot() == before


def test_another_company_gets_404_for_the_workspace_and_for_its_rows(client, crm):
    deal = crm.opportunity("Secret deal", stage="New")
    pipeline = crm.pipeline()
    outsider = crm.outsider_manager
    as_(client, outsider)
    before = snapshot()
    for url in [*pages(crm, deal), *editor_pages(crm, deal), f"/crm/{crm.ws.pk}/pipeline/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(move_url(crm, deal), {"stage": crm.stage("Won").pk}).status_code == 404
    # The outsider's own workspace, this workspace's rows: not found either.
    own = crm.outsider.pk
    for url in (
        f"/crm/{own}/opportunities/{deal.pk}/",
        f"/crm/{own}/opportunities/{deal.pk}/move/",
        f"/crm/{own}/pipeline/{pipeline.pk}/",
        f"/crm/{own}/pipeline/{pipeline.pk}/settings/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/crm/{own}/opportunities/{deal.pk}/delete/")
    assert response.status_code == 404
    assert snapshot() == before
    # Nobody signed in: the log-in page; an id past any row's: 404.
    client.logout()
    response = client.get(board_url(crm))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    as_(client, crm.manager)
    assert client.get(f"/crm/{crm.ws.pk}/opportunities/{2**63}/").status_code == 404


# --- The board ----------------------------------------------------------------------------------


def test_the_board_shows_each_stage_with_its_count_and_totals_per_currency(client, crm):
    crm.opportunity("A", stage="New", amount=Decimal("1000.00"))
    crm.opportunity("B", stage="New", amount=Decimal("3000.00"))
    crm.opportunity("C", stage="New", amount=Decimal("500.00"), currency="EUR")
    crm.opportunity("D", stage="Qualified", amount=Decimal("200.00"))
    body = html(as_(client, crm.manager).get(board_url(crm)))
    new, qualified = crm.stage("New"), crm.stage("Qualified")
    head = body.split(f'id="head-{new.pk}"')[1].split("</header>")[0]
    assert 'data-count="3"' in head
    # UAH and EUR apart, never added; weighted by the stage's 10 %.
    assert "UAH\u00a04,000.00" in head and "≈ UAH\u00a0400.00" in head
    assert "€500.00" in head and "≈ €50.00" in head
    assert 'data-count="1"' in body.split(f'id="head-{qualified.pk}"')[1].split("</header>")[0]
    # Every stage is a column, the empty ones too, in the pipeline's order.
    names = [s.name for s in crm.pipeline().stages.order_by("position")]
    positions = [body.index(f'id="stage-{s.pk}"') for s in crm.pipeline().stages.all()]
    assert positions == sorted(positions) and len(names) == 7


def test_a_full_column_shows_n_more_linking_to_the_filtered_list(client, crm):
    new = crm.stage("New")
    account = crm.account
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                workspace=crm.ws,
                account=account,
                pipeline=crm.pipeline(),
                stage=new,
                title=f"Bulk {n}",
                amount=Decimal("10.00"),
                position=n + 1,
            )
            for n in range(53)
        ]
    )
    body = html(as_(client, crm.manager).get(board_url(crm) + "?q=Bulk"))
    assert body.count('class="card"') == 50
    head = body.split(f'id="head-{new.pk}"')[1].split("</header>")[0]
    assert "3 more" in head
    more = head.split('class="more" href="')[1].split('"')[0].replace("&amp;", "&")
    assert more.startswith(f"/crm/{crm.ws.pk}/opportunities/?")
    assert (
        f"stage={new.pk}" in more and f"pipeline={crm.pipeline().pk}" in more and "q=Bulk" in more
    )
    listed = html(client.get(more))
    assert "53 opportunities" in listed


def test_the_board_takes_the_same_number_of_queries_however_many_cards(client, crm):
    crm.opportunity("One", stage="New")
    as_(client, crm.manager)
    client.get(board_url(crm))  # the defaults made, the session warm

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(board_url(crm)).status_code == 200
        return len(captured)

    few = queries()
    stages = list(crm.pipeline().stages.all())
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                workspace=crm.ws,
                account=account_make(crm.ws, f"Account {n}"),
                pipeline=crm.pipeline(),
                stage=stages[n % len(stages)],
                title=f"Card {n}",
                owner=crm.manager,
                position=1000 + n,
            )
            for n in range(120)
        ]
    )
    assert queries() == few


def test_the_board_filters_its_cards(client, crm):
    crm.opportunity("Mine", stage="New", owner_id=crm.manager.pk)
    crm.opportunity("Theirs", stage="New", owner_id=crm.people[ADMIN].pk)
    body = html(as_(client, crm.manager).get(board_url(crm) + f"?owner={crm.manager.pk}"))
    assert "Mine" in body and "Theirs" not in body
    # A malformed filter is shown with its error and narrows nothing.
    body = html(client.get(board_url(crm) + "?amount_min=lots"))
    assert "Mine" in body and "Theirs" in body and 'class="error"' in body


# --- Moves ---------------------------------------------------------------------------------------


def test_a_drop_is_saved_after_its_neighbour_and_answers_the_card_and_the_heads(client, crm):
    first = crm.opportunity("First", stage="Qualified")
    second = crm.opportunity("Second", stage="Qualified")
    moving = crm.opportunity("Moving", stage="New", amount=Decimal("700.00"))
    qualified, new = crm.stage("Qualified"), crm.stage("New")
    response = as_(client, crm.manager).post(
        move_url(crm, moving),
        {"stage": qualified.pk, "after": first.pk, "board_query": "q=i"},
        **JSON,
    )
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True
    assert f'id="card-{moving.pk}"' in data["card"]
    assert f'<option value="{qualified.pk}" data-kind="open" selected>' in data["card"]
    assert set(map(int, data["heads"])) == {s.pk for s in crm.pipeline().stages.all()}
    # The heads are counted with the board's filters ("q=i": "Second" is not on that board).
    assert 'data-count="2"' in data["heads"][str(qualified.pk)]
    assert 'data-count="0"' in data["heads"][str(new.pk)]
    order = list(
        Opportunity.objects.filter(stage=qualified).order_by("position").values_list("title")
    )
    assert order == [("First",), ("Moving",), ("Second",)]
    change = StageChange.objects.filter(opportunity=moving).order_by("-pk").first()
    assert (change.from_stage, change.to_stage, change.changed_by) == (new, qualified, crm.manager)
    assert second.pk


def test_a_lost_stage_without_its_reason_is_refused_then_taken_with_it(client, crm):
    deal = crm.opportunity("Deal", stage="New")
    lost = crm.stage("Lost")
    as_(client, crm.manager)
    before = snapshot()
    response = client.post(move_url(crm, deal), {"stage": lost.pk}, **JSON)
    assert response.status_code == 200  # the board expects it: no failed request logged
    data = response.json()
    assert data["ok"] is False and data["code"] == "lost_reason_required"
    assert data["status"] == 400
    assert "Say why it was lost." in data["message"]
    assert snapshot() == before
    response = client.post(
        move_url(crm, deal),
        {"stage": lost.pk, "lost_reason": "price", "lost_note": "20% cheaper elsewhere"},
        **JSON,
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    deal.refresh_from_db()
    assert (deal.stage, deal.status, deal.lost_reason) == (lost, OpportunityStatus.LOST, "price")
    assert deal.lost_note == "20% cheaper elsewhere"
    detail = html(client.get(f"/crm/{crm.ws.pk}/opportunities/{deal.pk}/"))
    assert "Price: 20% cheaper elsewhere" in detail


def test_a_bad_move_answers_json_and_moves_nothing(client, crm):
    deal = crm.opportunity("Deal", stage="New")
    other = Pipeline.objects.create(workspace=crm.ws, name="Other")
    foreign = Stage.objects.create(
        pipeline=other, name="Elsewhere", position=1, probability=5, kind="open"
    )
    as_(client, crm.manager)
    before = snapshot()
    for data in ({"stage": foreign.pk}, {"stage": "x"}, {"stage": crm.stage("Won").pk, "after": 9}):
        response = client.post(move_url(crm, deal), data, **JSON)
        assert response.status_code == 200, data
        assert response.json()["ok"] is False and response.json()["message"], data
        assert response.json()["status"] == 400, data
    assert snapshot() == before


def test_the_move_to_form_without_the_script_moves_and_goes_back(client, crm):
    deal = crm.opportunity("Deal", stage="New")
    qualified = crm.stage("Qualified")
    back = board_url(crm) + "?q=Deal"
    response = as_(client, crm.manager).post(
        move_url(crm, deal), {"stage": qualified.pk, "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert texts(response) == ["“Deal” is now in Qualified."]
    deal.refresh_from_db()
    assert deal.stage == qualified
    # Another site as "next" is not followed.
    response = client.post(
        move_url(crm, deal), {"stage": crm.stage("New").pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/crm/{crm.ws.pk}/opportunities/{deal.pk}/"


def test_the_move_form_asks_the_lost_reason_and_writes_nothing_without_it(client, crm):
    deal = crm.opportunity("Deal", stage="New")
    lost = crm.stage("Lost")
    as_(client, crm.manager)
    before = snapshot()
    response = client.post(move_url(crm, deal), {"stage": lost.pk})
    assert response.status_code == 400
    body = html(response)
    assert "Say why it was lost." in body and 'name="lost_reason"' in body
    assert snapshot() == before
    page = html(client.get(move_url(crm, deal) + f"?stage={lost.pk}"))
    assert f'<option value="{lost.pk}" selected>' in page
    response = client.post(move_url(crm, deal), {"stage": lost.pk, "lost_reason": "competitor"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.LOST and deal.lost_reason == "competitor"


# --- Opportunities ----------------------------------------------------------------------------------


def test_the_list_filters_and_pages(client, crm):
    for n in range(3):
        crm.opportunity(f"Open {n}", stage="New")
    won = crm.opportunity("Closed one", stage="New")
    opportunities.opportunity_move(
        user=crm.manager,
        workspace_id=crm.ws.pk,
        opportunity_id=won.pk,
        stage_id=crm.stage("Won").pk,
    )
    as_(client, crm.manager)
    url = f"/crm/{crm.ws.pk}/opportunities/"
    body = html(client.get(url + "?status=won"))
    assert "Closed one" in body and "Open 0" not in body and "1 opportunity" in body
    body = html(client.get(url + f"?stage={crm.stage('New').pk}&q=open"))
    assert "Open 2" in body and "Closed one" not in body and "3 opportunities" in body
    body = html(client.get(url + f"?account={crm.account.pk}&lot=7"))
    assert "No opportunity matches." in body  # none of them is linked to lot 7
    body = html(client.get(url + "?expected_close_from=someday"))
    assert 'class="error"' in body and "Closed one" in body


def test_the_detail_shows_the_stage_history_and_the_auction_outcome(client, crm):
    deal = crm.opportunity("Auction deal", stage="New")
    opportunities.opportunity_move(
        user=crm.manager,
        workspace_id=crm.ws.pk,
        opportunity_id=deal.pk,
        stage_id=crm.stage("Lost").pk,
        lost_reason="lost_at_auction",
    )
    Opportunity.objects.filter(pk=deal.pk).update(
        auction_outcome={
            "rank": 2,
            "participants": 3,
            "own_amount": "101500.00",
            "best_amount": "100000.00",
            "gap": "1500.00",
            "currency": "UAH",
        }
    )
    buyer = CompanyFactory(legal_name="Buyer Ltd")
    lot = lot_for(tender_for(buyer), start_price="120000.00")
    Opportunity.objects.filter(pk=deal.pk).update(lot=lot)
    body = html(as_(client, crm.people[BIDDER]).get(f"/crm/{crm.ws.pk}/opportunities/{deal.pk}/"))
    history = body.split('id="stage-history"')[1].split("</ol>")[0]
    assert "New</strong>" in history and "New → <strong>Lost</strong>" in history
    assert crm.manager.full_name in history
    outcome = body.split('id="outcome"')[1].split("</dl>")[0]
    assert "2 of 3" in outcome and "UAH\u00a01,500.00" in outcome
    assert f'href="/lots/{lot.pk}/"' in body and f'href="/tenders/{lot.tender_id}/"' in body
    assert Lot.objects.filter(pk=lot.pk).exists()


def test_an_opportunity_is_made_and_changed_through_its_forms(client, crm):
    CustomField.objects.create(
        workspace=crm.ws, entity="opportunity", key="region", label="Region", type="text"
    )
    as_(client, crm.manager)
    url = f"/crm/{crm.ws.pk}/opportunities/new/"
    page = html(client.get(url + f"?account={crm.account.pk}"))
    assert f'<option value="{crm.account.pk}" selected>Customer One</option>' in page
    response = client.post(
        url,
        {
            "account": crm.account.pk,
            "title": "Steel for the bridge",
            "amount": "125000.50",
            "currency": "EUR",
            "expected_close": "2026-09-30",
            "owner": crm.manager.pk,
            "competitors": "Rival A\nRival B\n",
            "custom__region": "Kyiv",
        },
    )
    made = Opportunity.objects.get(title="Steel for the bridge")
    assert response.status_code == 302
    assert response["Location"] == f"/crm/{crm.ws.pk}/opportunities/{made.pk}/"
    assert (made.amount, made.currency, made.stage) == (
        Decimal("125000.50"),
        "EUR",
        crm.stage("New"),
    )
    assert made.competitors == ["Rival A", "Rival B"] and made.custom == {"region": "Kyiv"}
    detail = html(client.get(response["Location"]))
    assert "Region" in detail and "Kyiv" in detail and "Rival A, Rival B" in detail
    edit = f"/crm/{crm.ws.pk}/opportunities/{made.pk}/edit/"
    assert "Steel for the bridge" in html(client.get(edit))
    response = client.post(
        edit,
        {
            "account": crm.account.pk,
            "title": "Steel, phase 2",
            "currency": "EUR",
            "probability": "35",
        },
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.title, made.probability, made.amount) == ("Steel, phase 2", 35, None)


def test_bad_opportunity_input_shows_messages_and_writes_nothing(client, crm):
    foreign = account_make(crm.outsider, "Not ours")
    crm.pipeline()  # the defaults a first page view makes
    as_(client, crm.manager)
    url = f"/crm/{crm.ws.pk}/opportunities/new/"
    before = snapshot()
    cases = [
        ({"account": crm.account.pk, "title": "", "currency": "UAH"}, "This field is required."),
        ({"account": foreign.pk, "title": "X", "currency": "UAH"}, "No such account."),
        (
            {"account": crm.account.pk, "title": "X", "currency": "UAH", "probability": "150"},
            "Ensure this value is less than or equal to 100.",
        ),
        (
            {"account": crm.account.pk, "title": "X", "currency": "UAH", "lot": "999999"},
            "No such lot.",
        ),
        (
            {
                "account": crm.account.pk,
                "title": "X",
                "currency": "UAH",
                "owner": crm.outsider_manager.pk,
            },
            "Select a valid choice.",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in html(response), data
    assert snapshot() == before


def test_deleting_an_opportunity_goes_back_to_its_board(client, crm):
    deal = crm.opportunity("Gone soon", stage="New")
    response = as_(client, crm.people[ADMIN]).post(
        f"/crm/{crm.ws.pk}/opportunities/{deal.pk}/delete/"
    )
    assert response.status_code == 302 and response["Location"] == board_url(crm)
    assert not Opportunity.objects.filter(pk=deal.pk).exists()
    assert client.get(f"/crm/{crm.ws.pk}/opportunities/{deal.pk}/delete/").status_code == 405


# --- Settings -----------------------------------------------------------------------------------


def test_pipelines_and_stages_are_made_renamed_reordered_and_deleted(client, crm):
    as_(client, crm.manager)
    ws = crm.ws.pk
    response = client.post(f"/crm/{ws}/pipeline/settings/", {"name": "Export", "kind": "sales"})
    made = Pipeline.objects.get(workspace=crm.ws, name="Export")
    assert response["Location"] == f"/crm/{ws}/pipeline/{made.pk}/settings/"
    base = f"/crm/{ws}/pipeline/{made.pk}"
    assert client.post(base + "/settings/rename/", {"name": "Export EU"}).status_code == 302
    response = client.post(
        base + "/stages/new/",
        {"new-name": "Negotiation", "new-probability": 65, "new-kind": "open"},
    )
    assert response.status_code == 302
    stages = list(made.stages.order_by("position"))
    assert stages[-1].name == "Negotiation"
    negotiation = stages[-1]
    client.post(base + f"/stages/{negotiation.pk}/shift/", {"direction": "up"})
    assert list(made.stages.order_by("position").values_list("name", flat=True))[-2:] == [
        "Negotiation",
        "Lost",
    ]
    response = client.post(
        base + f"/stages/{negotiation.pk}/",
        {
            f"stage-{negotiation.pk}-name": "Talks",
            f"stage-{negotiation.pk}-probability": 70,
            f"stage-{negotiation.pk}-kind": "open",
            f"stage-{negotiation.pk}-auto": "",
        },
    )
    assert response.status_code == 302
    negotiation.refresh_from_db()
    assert (negotiation.name, negotiation.probability) == ("Talks", 70)
    assert client.post(base + f"/stages/{negotiation.pk}/delete/").status_code == 302
    assert not Stage.objects.filter(pk=negotiation.pk).exists()
    assert client.post(base + "/settings/delete/").status_code == 302
    assert not Pipeline.objects.filter(pk=made.pk).exists()


def test_settings_refusals_are_shown_and_write_nothing(client, crm):
    crm.opportunity("In use", stage="New")
    pipeline = crm.pipeline()
    new = crm.stage("New")
    as_(client, crm.manager)
    base = f"/crm/{crm.ws.pk}/pipeline/{pipeline.pk}"
    before = snapshot()
    response = client.post(base + f"/stages/{new.pk}/delete/")
    assert response.status_code == 409
    assert "Opportunities are or were in this stage" in html(response)
    response = client.post(base + "/settings/delete/")
    assert response.status_code == 409 and "A default pipeline is not deleted" in html(response)
    response = client.post(
        base + "/stages/new/", {"new-name": "", "new-probability": 500, "new-kind": "open"}
    )
    assert response.status_code == 400
    body = html(response)
    assert "This field is required." in body and "less than or equal to 100" in body
    response = client.post(
        base + f"/stages/{new.pk}/",
        {
            f"stage-{new.pk}-name": "New",
            f"stage-{new.pk}-probability": 10,
            f"stage-{new.pk}-kind": "won",
            f"stage-{new.pk}-auto": "",
        },
    )
    assert response.status_code == 400 and "its kind cannot change" in html(response)
    response = client.post(
        base + "/stages/new/",
        {"new-name": "Twice", "new-probability": 5, "new-kind": "open", "new-auto": "applied"},
    )
    assert response.status_code == 400
    assert "Another stage of this pipeline already has this moment." in html(response)
    response = client.post(base + "/settings/rename/", {"name": "   "})
    assert response.status_code == 400
    assert snapshot() == before
    # The default pipeline's page offers no delete button.
    assert 'id="pipeline-delete"' not in html(client.get(base + "/settings/"))


def test_sales_targets_are_set_changed_and_refused_when_they_overlap(client, crm):
    as_(client, crm.manager)
    url = f"/crm/{crm.ws.pk}/pipeline/targets/"
    data = {
        "owner": crm.manager.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "amount": "500000",
        "currency": "UAH",
    }
    assert client.post(url, data).status_code == 302
    target = SalesTarget.objects.get(workspace=crm.ws)
    assert target.owner == crm.manager and target.amount == Decimal("500000")
    page = html(client.get(url))
    assert "UAH\u00a0500,000.00" in page and crm.manager.full_name in page
    before = snapshot()
    response = client.post(url, {**data, "period_start": "2026-03-01", "period_end": "2026-04-30"})
    assert response.status_code == 400
    assert "covers part of this period" in html(response)
    response = client.post(url, {**data, "period_start": "2026-05-01", "period_end": "2026-04-01"})
    assert response.status_code == 400 and "The period ends before it starts." in html(response)
    response = client.post(
        url, {**data, "amount": "0", "period_start": "2027-01-01", "period_end": "2027-02-01"}
    )
    assert response.status_code == 400 and "The target must be above zero." in html(response)
    assert snapshot() == before
    edit = f"/crm/{crm.ws.pk}/pipeline/targets/{target.pk}/"
    assert client.post(edit, {**data, "owner": "", "amount": "750000"}).status_code == 302
    target.refresh_from_db()
    assert target.owner is None and target.amount == Decimal("750000")
    assert client.post(edit + "delete/").status_code == 302
    assert not SalesTarget.objects.exists()


def test_a_person_of_several_companies_sees_only_this_workspace_s_people(client, crm):
    other = CompanyFactory(legal_name="Second Co")
    stranger = member(other, MANAGER, full_name="Zed Stranger")
    both = crm.manager
    member(other, MANAGER, email="unused@example.com")
    Membership.objects.create(user=both, company=other, role=MANAGER)
    page = html(as_(client, both).get(f"/crm/{crm.ws.pk}/opportunities/new/"))
    assert "Zed Stranger" not in page and stranger.pk
