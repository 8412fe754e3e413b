"""A whole tender through the REST API, as its people meet it: the buyer creates and publishes,
suppliers apply, ask and are admitted, the scheduler starts the auction, suppliers bid, the
scheduler closes it, the buyer awards, and everyone downloads the protocol they may see."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from auctions import scheduler
from auctions.models import Lot, Tender

from .factories import World

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def test_tender_to_deal_through_the_api():
    w = World()
    buyer = as_user(w.officer)
    alpha, beta = as_user(w.supplier_admin), as_user(w.other_admin)
    now = timezone.now()
    r = buyer.post(
        "/api/tenders/",
        {
            "platform": w.platform.pk,
            "buyer": w.buyer.pk,
            "title": "Дизельне паливо на зиму",
            "category": w.category.pk,
            "questions_deadline": (now + timedelta(hours=1)).isoformat(),
            "applications_deadline": (now + timedelta(hours=2)).isoformat(),
            "auction_start": (now + timedelta(hours=3)).isoformat(),
            "lots": [
                {
                    "title": "Diesel EN 590",
                    "quantity": "100",
                    "unit": "t",
                    "start_price": "100000.00",
                    "reserve_price": "99000.00",
                    "step_kind": "amount",
                    "step_value": "500",
                    "visibility": "ladder",
                    "duration_seconds": 600,
                }
            ],
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    tender_id = r.json()["id"]
    lot_id = r.json()["lots"][0]["id"]
    assert buyer.post(f"/api/tenders/{tender_id}/publish/").status_code == 200

    # Suppliers see it (without the reserve), apply and ask.
    seen = alpha.get(f"/api/tenders/{tender_id}/").json()
    assert "reserve_price" not in seen["lots"][0]
    for client in (alpha, beta):
        r = client.post(
            f"/api/lots/{lot_id}/applications/", {"terms_accepted": True}, format="json"
        )
        assert r.status_code == 201, r.json()
    r = alpha.post(f"/api/tenders/{tender_id}/questions/", {"text": "Winter grade class?"})
    assert r.status_code == 201, r.json()
    question = r.json()["id"]
    assert (
        buyer.post(f"/api/questions/{question}/answer/", {"answer": "Class 2"}).status_code == 200
    )
    answers = beta.get(f"/api/tenders/{tender_id}/questions/").json()
    answers = answers["results"] if isinstance(answers, dict) else answers
    assert [(q["text"], q["answer"]) for q in answers] == [("Winter grade class?", "Class 2")]
    assert "Supplier Alpha Canary" not in str(answers)

    # The deadline passes; the buyer admits both and schedules the auction.
    w.past_deadline(Tender.objects.get(pk=tender_id))
    assert buyer.post(f"/api/lots/{lot_id}/close-applications/").status_code == 200
    applications = buyer.get(f"/api/lots/{lot_id}/applications/").json()
    rows = applications["results"] if isinstance(applications, dict) else applications
    for row in rows:
        assert buyer.post(f"/api/applications/{row['id']}/admit/").status_code == 200
    r = buyer.post(f"/api/lots/{lot_id}/schedule/")
    assert r.status_code == 200 and r.json()["outcome"] == "scheduled", r.json()

    # The scheduler starts it at its time; suppliers bid live.
    lot = Lot.objects.get(pk=lot_id)
    scheduler.tick(now=lot.starts_at)
    assert alpha.get(f"/api/lots/{lot_id}/standing/").json()["status"] == "live"
    assert alpha.post(f"/api/lots/{lot_id}/bids/", {"amount": "99500"}).status_code == 201
    assert beta.post(f"/api/lots/{lot_id}/bids/", {"amount": "99000"}).status_code == 201
    r = alpha.post(f"/api/lots/{lot_id}/bids/", {"amount": "98800"})
    assert r.json()["error"]["code"] == "step_too_small"
    assert alpha.post(f"/api/lots/{lot_id}/bids/", {"amount": "98500"}).status_code == 201
    ladder = beta.get(f"/api/lots/{lot_id}/standing/").json()["ladder"]
    assert [e["amount"] for e in ladder] == ["98500.00", "99000.00"]
    assert "Supplier Alpha Canary" not in str(ladder)

    # The scheduler closes it at the end; the buyer awards the best and gets the deal.
    lot.refresh_from_db()
    scheduler.tick(now=lot.ends_at)
    assert buyer.get(f"/api/lots/{lot_id}/standing/").json()["status"] == "closed"
    r = buyer.post(f"/api/lots/{lot_id}/award/")
    assert r.status_code == 201, r.json()
    assert r.json()["supplier"] == "Supplier Alpha Canary" and r.json()["price"] == "98500.00"
    assert alpha.get("/api/deals/").json()["count"] == 1
    assert beta.get("/api/deals/").json()["count"] == 0

    # The protocol: the buyer's names everyone, a supplier's names only itself.
    full = buyer.get(f"/api/lots/{lot_id}/protocol/", {"file_format": "csv"})
    assert full.status_code == 200
    text = b"".join(full.streaming_content).decode() if full.streaming else full.content.decode()
    assert "Supplier Alpha Canary" in text and "Supplier Beta Canary" in text
    mine = beta.get(f"/api/lots/{lot_id}/protocol/", {"file_format": "csv"})
    text = b"".join(mine.streaming_content).decode() if mine.streaming else mine.content.decode()
    assert "Supplier Beta Canary" in text and "Supplier Alpha Canary" not in text
    assert buyer.get(f"/api/lots/{lot_id}/events/verify/").json()["ok"] is True
