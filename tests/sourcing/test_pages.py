"""The buyer's pages (Django's test client): the directory cards' "Add to shortlist" button, the
shortlists, a tender's "Invite suppliers" page (from a shortlist; a company not registered yet)
and the funnels; linked from the buyer's tender pages. Only the buyer's people see them (its
managers change things); everyone else gets "not found"; no inline script or style."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from auctions.models import TenderInvitation
from auctions.tenders import invitations as tender_invitations
from search.services import supplier_reindex
from sourcing import invitations, shortlists
from sourcing.models import Shortlist, SupplierInvitation
from tests.factories import valid_edrpou
from tests.sourcing.factories import Seed, prospect_data, snapshot

pytestmark = pytest.mark.django_db


def browser(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def strict(html: str) -> str:
    """The page, checked for what the Content-Security-Policy would block."""
    assert 'style="' not in html and "<script>" not in html and " on" + "click=" not in html
    return html


@pytest.fixture
def w(settings):
    settings.ELASTICSEARCH_URL = ""
    seed = Seed()
    for company in (seed.supplier, seed.other_supplier):
        supplier_reindex(company_id=company.pk)
    return seed


def test_a_directory_card_puts_the_supplier_on_a_list_or_a_tenders_list(w):
    tender = w.invitation_tender()
    page = browser(w.officer).get("/suppliers/", {"q": "canary"})
    html = strict(page.content.decode())
    assert f'id="supplier-{w.supplier.pk}"' in html
    assert "Add to shortlist" in html
    assert f'value="tender-{tender.pk}"' in html and f'value="new-{w.buyer.pk}"' in html

    back = f"/suppliers/?q=canary#supplier-{w.supplier.pk}"
    response = browser(w.officer).post(
        "/sourcing/shortlists/add/",
        {"supplier": w.supplier.pk, "shortlist": f"tender-{tender.pk}", "next": back},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == back
    assert f"{w.supplier.legal_name} is on the shortlist" in response.content.decode()
    shortlist = Shortlist.objects.get(tender=tender)
    assert list(shortlist.entries.values_list("supplier_id", flat=True)) == [w.supplier.pk]

    again = browser(w.officer).get("/suppliers/", {"q": "canary"}).content.decode()
    assert "On your shortlists:" in again and f"/sourcing/shortlists/{shortlist.pk}/" in again
    assert f'value="{shortlist.pk}"' in again and f'value="tender-{tender.pk}"' not in again

    browser(w.officer).post(
        "/sourcing/shortlists/add/",
        {"supplier": w.other_supplier.pk, "shortlist": f"new-{w.buyer.pk}"},
    )
    assert Shortlist.objects.get(buyer=w.buyer, tender=None).name == "My shortlist"

    # Taken off from its card, back to the results.
    remove = f"/sourcing/shortlists/{shortlist.pk}/suppliers/{w.supplier.pk}/remove/"
    assert f'action="{remove}"' in again
    response = browser(w.officer).post(remove, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert not shortlist.entries.exists()
    elsewhere = browser(w.officer).post(remove, {"next": "https://evil.example/"})
    assert elsewhere["Location"] == f"/sourcing/shortlists/{shortlist.pk}/"  # not off-site


def test_no_button_for_who_keeps_no_shortlist(w):
    for user in (w.supplier_admin, w.buyer_bidder):
        html = browser(user).get("/suppliers/", {"q": "canary"}).content.decode()
        assert f'id="supplier-{w.supplier.pk}"' in html and "Add to shortlist" not in html
    before = snapshot()
    refused = browser(w.buyer_bidder).post(
        "/sourcing/shortlists/add/",
        {"supplier": w.supplier.pk, "shortlist": f"new-{w.buyer.pk}"},
        follow=True,
    )
    assert "Company not found." in refused.content.decode()
    assert snapshot() == before


def test_the_shortlist_pages(w):
    shortlist = shortlists.shortlist_create(actor=w.officer, buyer=w.buyer, name="Diesel")
    shortlists.shortlist_add(actor=w.officer, shortlist=shortlist, supplier_id=w.supplier.pk)
    index = strict(browser(w.officer).get("/sourcing/shortlists/").content.decode())
    assert "Diesel" in index and "A new shortlist" in index
    made = browser(w.officer).post("/sourcing/shortlists/", {"name": "Steel"})
    assert made.status_code == 302
    taken = browser(w.officer).post("/sourcing/shortlists/", {"name": "Steel"})
    assert taken.status_code == 409
    assert "already has a shortlist with this name" in taken.content.decode()

    url = f"/sourcing/shortlists/{shortlist.pk}/"
    tender = w.invitation_tender()
    html = strict(browser(w.officer).get(url).content.decode())
    assert w.supplier.legal_name in html and "Take off" in html and "Delete the list" in html
    assert f"/tenders/{tender.pk}/invite-suppliers/?shortlist={shortlist.pk}" in html
    read_only = browser(w.buyer_bidder).get(url).content.decode()
    assert w.supplier.legal_name in read_only and "Take off" not in read_only

    browser(w.officer).post(f"{url}rename/", {"name": "Winter diesel"})
    browser(w.officer).post(f"{url}suppliers/{w.supplier.pk}/remove/")
    shortlist.refresh_from_db()
    assert shortlist.name == "Winter diesel" and not shortlist.entries.exists()
    browser(w.officer).post(f"{url}delete/")
    assert not Shortlist.objects.filter(pk=shortlist.pk).exists()


def test_shortlists_are_the_buyers_own(w):
    shortlist = shortlists.shortlist_create(actor=w.officer, buyer=w.buyer, name="Diesel")
    url = f"/sourcing/shortlists/{shortlist.pk}/"
    before = snapshot()
    for stranger in (w.rival_officer, w.supplier_admin):
        assert browser(stranger).get(url).status_code == 404
        assert browser(stranger).post(f"{url}delete/").status_code == 404
        assert browser(stranger).post(f"{url}rename/", {"name": "x"}).status_code == 404
    assert browser(w.supplier_admin).get("/sourcing/shortlists/").status_code == 404
    assert "Diesel" not in browser(w.rival_officer).get("/sourcing/shortlists/").content.decode()
    anonymous = browser().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert snapshot() == before


def test_the_tender_pages_lead_to_the_invite_page_and_the_funnel(w):
    tender = w.invitation_tender()
    for path in (f"/tenders/{tender.pk}/manage/", f"/tenders/{tender.pk}/"):
        html = browser(w.officer).get(path).content.decode()
        assert f"/tenders/{tender.pk}/invite-suppliers/" in html
        assert f"/tenders/{tender.pk}/funnel/" in html
    assert "/sourcing/shortlists/" in browser(w.officer).get("/").content.decode()  # the top bar


def test_inviting_from_a_shortlist_on_the_tenders_page(w):
    tender = w.invitation_tender()
    shortlist = shortlists.shortlist_for_tender(actor=w.officer, tender=tender)
    for supplier in (w.supplier, w.other_supplier):
        shortlists.shortlist_add(actor=w.officer, shortlist=shortlist, supplier_id=supplier.pk)
    other = shortlists.shortlist_create(actor=w.officer, buyer=w.buyer, name="Old friends")
    url = f"/tenders/{tender.pk}/invite-suppliers/"
    html = strict(browser(w.officer).get(url).content.decode())
    assert f'name="supplier" value="{w.supplier.pk}"' in html  # the tender's own list first
    assert f'<option value="{other.pk}"' in html

    response = browser(w.officer).post(
        f"{url}shortlisted/", {"supplier": [w.supplier.pk], "shortlist": shortlist.pk}, follow=True
    )
    assert f"Invited: {w.supplier.legal_name}." in response.content.decode()
    assert TenderInvitation.objects.filter(tender=tender, supplier=w.supplier).exists()
    page = response.content.decode()
    assert f'name="supplier" value="{w.supplier.pk}"' not in page  # shown as invited now
    assert f'name="supplier" value="{w.other_supplier.pk}"' in page

    again = browser(w.officer).post(
        f"{url}shortlisted/", {"supplier": [w.supplier.pk, w.unverified.pk]}, follow=True
    )
    text = again.content.decode()
    assert f"{w.supplier.legal_name}: This supplier is already invited." in text
    assert f"{w.unverified.legal_name}: Only verified suppliers can be invited." in text


def test_inviting_a_company_not_registered_yet_on_the_page(w, django_capture_on_commit_callbacks):
    tender = w.invitation_tender()
    url = f"/tenders/{tender.pk}/invite-suppliers/"
    edrpou = valid_edrpou()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(w.officer).post(url, prospect_data(identifier=edrpou))
    assert response.status_code == 302
    row = SupplierInvitation.objects.get()
    assert (row.identifier, row.email) == (edrpou, "olena@steel-works.example")
    assert len(mail.outbox) == 1

    before = snapshot()
    bad = browser(w.officer).post(url, prospect_data(identifier="12345670", email="x"))
    assert bad.status_code == 400
    html = strict(bad.content.decode())
    assert "wrong check digit" in html and "Enter a valid e-mail address." in html
    twice = browser(w.officer).post(url, prospect_data(identifier=edrpou))
    assert twice.status_code == 409 and "already invited to this tender" in twice.content.decode()
    registered = browser(w.officer).post(
        url, prospect_data(identifier=w.supplier.registration_number)
    )
    assert registered.status_code == 409
    html = registered.content.decode()
    assert f'href="/suppliers/{w.supplier.pk}/"' in html
    assert "Invite it as a registered supplier" in html
    hidden = browser(w.officer).post(
        url, prospect_data(identifier=w.unverified.registration_number)
    )
    assert hidden.status_code == 409 and w.unverified.legal_name not in hidden.content.decode()
    assert snapshot() == before


def test_the_invite_page_is_the_tenders_managers(w):
    tender = w.invitation_tender()
    invitations.supplier_invite(actor=w.officer, tender=tender, supplier=w.supplier)
    url = f"/tenders/{tender.pk}/invite-suppliers/"
    before = snapshot()
    for user in (w.buyer_bidder, w.supplier_admin, w.rival_officer):
        assert browser(user).get(url).status_code == 404
        assert browser(user).post(url, prospect_data()).status_code == 404
        assert (
            browser(user).post(f"{url}shortlisted/", {"supplier": w.other_supplier.pk}).status_code
            == 404
        )
    assert browser().get(url).status_code == 302
    assert snapshot() == before


def test_the_funnel_pages(w, django_capture_on_commit_callbacks):
    tender = w.invitation_tender()
    invitations.supplier_invite(actor=w.officer, tender=tender, supplier=w.supplier)
    invitations.prospect_invite(actor=w.officer, tender=tender, **prospect_data())
    url = f"/tenders/{tender.pk}/funnel/"
    html = strict(browser(w.officer).get(url).content.decode())
    assert 'class="funnel-count">2<' in html  # invited
    assert "TOV Steel Works" in html and "olena@steel-works.example" in html
    assert f'href="/suppliers/{w.supplier.pk}/"' in html
    assert "not registered when invited" in html and "registered supplier" in html
    assert "Invitation taken back" not in html
    row = SupplierInvitation.objects.get(company=w.supplier)
    with django_capture_on_commit_callbacks(execute=True):  # tender.uninvited, delivered
        tender_invitations.tender_invitation_remove(
            actor=w.officer, invitation=row.tender_invitation
        )
    html = strict(browser(w.officer).get(url).content.decode())
    assert "Invitation taken back on" in html and 'class="funnel-count">2<' in html
    reader = browser(w.buyer_bidder).get(url)
    assert reader.status_code == 200 and "Invite suppliers" not in reader.content.decode()
    for stranger in (w.supplier_admin, w.rival_officer, w.other_admin):
        response = browser(stranger).get(url)
        assert response.status_code == 404 and "steel-works" not in response.content.decode()
    assert browser().get(url).status_code == 302

    across = strict(browser(w.officer).get("/sourcing/funnel/").content.decode())
    assert f'href="/tenders/{tender.pk}/funnel/"' in across and tender.title in across
    assert browser(w.supplier_admin).get("/sourcing/funnel/").status_code == 404
    assert tender.title not in browser(w.rival_officer).get("/sourcing/funnel/").content.decode()
