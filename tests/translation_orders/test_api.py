"""The translation orders API: the flow end to end, and who sees what. A translator sees the
queue's orders (their metadata and word counts) but only the documents of the orders it took;
another translator of the platform loses sight of an order once it is taken; another company's
people get 404; the orderer's read-only people 403 on a write; anonymous refused."""

from __future__ import annotations

import pytest

from deals.models import Invoice

from .factories import Translations, api, client, docx_bytes, snapshot, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return Translations()


def place(w, user=None):
    answer = client(user or w.officer).post(
        api("translation-orders"),
        {
            "company": w.buyer.pk,
            "side": "buyer",
            "source_language": "uk",
            "target_language": "en",
            "tender_documents": [w.spec.pk, w.terms.pk],
            "instructions": "Keep the layout",
        },
        format="json",
    )
    return answer


def test_the_flow_through_the_api(w):
    answer = place(w)
    assert answer.status_code == 201, answer.content
    order = answer.json()
    assert order["status"] == "ordered" and order["counted_words"] == 19
    assert [d["words"] for d in order["documents"]] == [12, 7]
    assert all(d["download"] for d in order["documents"])
    oid = order["id"]
    t = client(w.translator)
    assert t.post(api("translation-order-take", oid)).json()["translator"]["id"] == w.translator.pk
    quoted = t.post(api("translation-order-quote", oid), {"words": 250, "reason": "Stamps"}).json()
    assert (quoted["status"], quoted["fee"], quoted["currency"]) == ("quoted", "125.00", "UAH")
    o = client(w.officer)
    assert o.post(api("translation-order-accept-quote", oid)).json()["status"] == "in_progress"
    delivered = t.post(
        api("translation-order-deliver", oid),
        {"files": [upload("spec-en.docx", docx_bytes("Specification")), upload("a.txt", b"ok")]},
        format="multipart",
    )
    assert delivered.status_code == 200, delivered.content
    assert [f["round"] for f in delivered.json()["files"]] == [1, 1]
    sent = o.post(api("translation-order-send-back", oid), {"comments": "Units"}, format="json")
    assert (sent.json()["status"], sent.json()["round"]) == ("in_progress", 2)
    t.post(
        api("translation-order-deliver", oid),
        {"files": [upload("b.txt", b"fixed")], "note": "Fixed"},
        format="multipart",
    )
    done = o.post(api("translation-order-accept-delivery", oid)).json()
    assert done["status"] == "done"
    invoice = Invoice.objects.get(kind="translation")
    assert done["invoice"] == {"id": invoice.pk, "number": invoice.number, "status": "open"}
    assert [s["action"] for s in done["steps"]][-3:] == ["sent_back", "delivered", "completed"]
    # The invoice is in the company's ledger and its invoices (deals' API).
    ledger = o.get(api("ledger", w.buyer.pk)).json()
    assert any(e["invoice"] == invoice.pk and e["kind"] == "owed" for e in ledger["entries"])
    listed = o.get(api("invoices")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert any(r["kind"] == "translation" and r["order"] is None for r in rows)
    # The orderer downloads a delivered file, privately.
    file_url = done["files"][0]["download"]
    got = o.get(file_url)
    assert got.status_code == 200 and got["Cache-Control"] == "private, no-store"
    assert b"".join(got.streaming_content).startswith(b"PK")


def test_a_translator_sees_only_the_documents_of_orders_assigned_to_it(w):
    oid = place(w).json()["id"]
    t, other = client(w.translator), client(w.other_translator)
    queued = t.get(api("translation-order", oid)).json()
    assert queued["counted_words"] == 19 and [d["words"] for d in queued["documents"]] == [12, 7]
    assert all(d["download"] is None for d in queued["documents"])
    doc = queued["documents"][0]["id"]
    refused = t.get(api("translation-order-document", oid, doc))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "take_the_order_first"
    queue = t.get(api("translation-orders"), {"scope": "queue"}).json()["results"]
    assert [o["id"] for o in queue] == [oid]
    t.post(api("translation-order-take", oid))
    got = t.get(api("translation-order-document", oid, doc))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"PK")
    mine = t.get(api("translation-orders"), {"scope": "translating"}).json()["results"]
    assert [o["id"] for o in mine] == [oid]
    # The other translator: the order is gone from its queue and from its sight.
    assert other.get(api("translation-orders"), {"scope": "queue"}).json()["results"] == []
    assert other.get(api("translation-order", oid)).status_code == 404
    assert other.get(api("translation-order-document", oid, doc)).status_code == 404
    # The platform's admin sees the order, not its documents nor an invoice.
    admin_view = client(w.platform_admin).get(api("translation-order", oid)).json()
    assert all(d["download"] is None for d in admin_view["documents"])
    assert (
        client(w.platform_admin).get(api("translation-order-document", oid, doc)).status_code == 403
    )


def test_another_company_and_strangers_get_404(w):
    oid = place(w).json()["id"]
    doc = client(w.officer).get(api("translation-order", oid)).json()["documents"][0]["id"]
    before = snapshot()
    for user in (w.other_admin, w.stranger, w.supplier_admin):
        c = client(user)
        assert c.get(api("translation-order", oid)).status_code == 404
        assert c.get(api("translation-order-document", oid, doc)).status_code == 404
        for step in ("take", "quote", "accept-quote", "cancel", "accept-delivery"):
            answer = c.post(api(f"translation-order-{step}", oid), {}, format="json")
            assert answer.status_code == 404, (user, step)
            assert answer.json()["error"]["code"] == "order_not_found"
        assert c.get(api("translation-orders")).json()["results"] == []
    assert client().get(api("translation-order", oid)).status_code in (401, 403)
    assert client().post(api("translation-orders"), {}).status_code in (401, 403)
    assert snapshot() == before


def test_read_only_people_of_the_orderer_get_403(w):
    oid = place(w).json()["id"]
    bidder = client(w.buyer_bidder)
    assert bidder.get(api("translation-order", oid)).status_code == 200
    before = snapshot()
    answer = bidder.post(api("translation-order-cancel", oid), {}, format="json")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_orderer"
    assert place(w, w.buyer_bidder).status_code == 403
    assert snapshot() == before


def test_clear_400_and_409(w):
    answer = client(w.officer).post(
        api("translation-orders"),
        {
            "company": w.buyer.pk,
            "side": "buyer",
            "source_language": "uk",
            "target_language": "ru",
            "tender_documents": [w.spec.pk],
        },
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "no_rate"
    assert "target_language" in answer.json()["error"]["fields"]
    oid = place(w).json()["id"]
    conflict = client(w.officer).post(api("translation-order-accept-quote", oid))
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "wrong_status"
    t = client(w.translator)
    t.post(api("translation-order-take", oid))
    taken = client(w.translator).post(api("translation-order-take", oid))
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "already_taken"


def test_sources_for_a_buyer_and_a_supplier(w):
    buyer = client(w.officer).get(api("translation-order-sources"), {"company": w.buyer.pk}).json()
    assert buyer["sides"] == ["buyer"] and len(buyer["tender_documents"]) == 3
    supplier = (
        client(w.supplier_admin)
        .get(api("translation-order-sources"), {"company": w.supplier.pk})
        .json()
    )
    assert supplier["sides"] == ["supplier"]
    assert {c["id"] for c in supplier["certificates"]} == {w.certificate.pk, w.scan.pk}
    assert [p["id"] for p in supplier["platforms"]] == [w.platform.pk]
    assert (
        client(w.other_admin)
        .get(api("translation-order-sources"), {"company": w.buyer.pk})
        .status_code
        == 404
    )


def test_platform_admins_grant_translators_and_set_rates(w):
    a = client(w.platform_admin)
    granted = a.post(
        api("translation-translators", w.platform.pk), {"email": w.other_admin.email}, format="json"
    )
    assert granted.status_code == 201
    assert w.other_admin.email in [t["email"] for t in granted.json()]
    rate = a.post(
        api("translation-rates", w.platform.pk),
        {
            "source_language": "en",
            "target_language": "uk",
            "price_per_word": "0.4000",
            "currency": "UAH",
            "minimum_fee": "50.00",
        },
        format="json",
    )
    assert rate.status_code == 200 and rate.json()["price_per_word"] == "0.4000"
    rates = a.get(api("translation-rates", w.platform.pk)).json()
    assert {(r["source_language"], r["target_language"]) for r in rates} == {
        ("uk", "en"),
        ("en", "uk"),
    }
    assert a.delete(api("translation-rate", w.platform.pk, rate.json()["id"])).status_code == 204
    revoked = a.delete(api("translation-translator", w.platform.pk, w.other_admin.pk))
    assert revoked.status_code == 204
    before = snapshot()
    for user in (w.officer, w.translator, w.other_admin):
        c = client(user)
        assert c.get(api("translation-translators", w.platform.pk)).status_code == 404
        assert c.get(api("translation-rates", w.platform.pk)).status_code == 404
        assert (
            c.post(api("translation-translators", w.platform.pk), {"email": user.email}).status_code
            == 404
        )
    assert snapshot() == before
