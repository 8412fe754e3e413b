"""A tender in several languages: the parler versions beside the original (which stays in the
tender's columns and governs), set by hand and by the machine, the reader's view and its
fallbacks, the original language, documents marked as translations, the event and the search
by a word of any version (database and Elasticsearch backends), and who may write."""

from __future__ import annotations

import pytest
from django.test import TestCase, override_settings

from auctions.models import Tender
from auctions.protocol.tables import original_language_note
from auctions.tenders import documents, drafting, versions
from auctions.tenders.machine_versions import tender_machine_translate
from auctions.version_models import LotVersion, TenderDocumentLanguage, TenderVersion
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.events.models import Event
from marketplace.translation.models import MachineTranslation
from search.backends.database import DatabaseBackend
from search.backends.elastic import ElasticBackend
from search.query import tender_query
from tests.auctions.factories import World, lot_data, pdf
from tests.search.fake_elasticsearch import FakeElasticsearch

pytestmark = pytest.mark.django_db


def committed():
    """Run what the transactions inside commit (tasks, event deliveries), as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def world():
    return World()


def ukrainian(world, *, publish=True) -> Tender:
    kwargs = world.tender_kwargs(
        title="Дизельне паливо зимове", description="Постачання до складу", original_language="uk"
    )
    kwargs["lots"] = [lot_data(title="Дизельне паливо", description="ДСТУ 7688")]
    tender = drafting.tender_create(actor=world.officer, **kwargs)
    if publish:
        with committed():
            tender = drafting.tender_publish(actor=world.officer, tender=tender)
    return tender


def english(world, tender):
    lot = tender.lots.get()
    with committed():
        return versions.tender_version_set(
            actor=world.officer,
            tender=tender,
            language="en",
            title="Winter diesel fuel",
            description="Delivery to the warehouse",
            lots={lot.pk: {"title": "Diesel fuel", "description": "DSTU 7688 grade"}},
        )


def fresh(tender) -> Tender:
    return versions.with_versions(Tender.objects).get(pk=tender.pk)


def test_the_original_language_defaults_to_the_authors(world):
    world.officer.language = "ru"
    world.officer.save()
    tender = world.draft()
    assert tender.original_language == "ru"
    assert ukrainian(world, publish=False).original_language == "uk"


def test_an_invalid_original_language_is_refused(world):
    with pytest.raises(ApplicationError) as exc:
        world.draft(original_language="de")
    assert "original_language" in exc.value.fields
    assert not Tender.objects.exists()


def test_a_version_set_by_hand_and_the_readers_view(world):
    tender = ukrainian(world)
    english(world, tender)
    tender.refresh_from_db()
    # The original is unchanged and governs.
    assert (tender.title, tender.lots.get().title) == ("Дизельне паливо зимове", "Дизельне паливо")
    row = TenderVersion.objects.get(tender=tender).translations.get(language_code="en")
    assert (row.title, row.machine, row.edited_by_id) == (
        "Winter diesel fuel",
        False,
        world.officer.pk,
    )

    text = versions.tender_text_for(fresh(tender), "en")
    lot = tender.lots.get()
    assert (text.title, text.language, text.original_language) == ("Winter diesel fuel", "en", "uk")
    assert text.translated and not text.machine and not text.stale
    assert text.lots[lot.pk].title == "Diesel fuel" and text.versions == ("en",)
    # Ukrainian reader: the original; a Russian reader: no version, the original with its flag.
    assert versions.tender_text_for(fresh(tender), "uk").title == "Дизельне паливо зимове"
    russian = versions.tender_text_for(fresh(tender), "ru-RU")
    assert russian.is_original and russian.no_version and russian.title == "Дизельне паливо зимове"
    # The switch to the original.
    original = versions.tender_text_for(fresh(tender), "en", original=True)
    assert original.is_original and original.lots[lot.pk].title == "Дизельне паливо"


def test_the_version_changed_event(world):
    tender = ukrainian(world)
    english(world, tender)
    event = Event.objects.filter(type="tender.version_changed").get()
    assert event.payload == {
        "tender": tender.pk,
        "language": "en",
        "machine": False,
        "removed": False,
        "lots": [tender.lots.get().pk],
    }


def test_no_version_in_the_original_language_and_a_finished_tender_refuses(world):
    tender = ukrainian(world)
    with pytest.raises(ApplicationError) as exc:
        versions.tender_version_set(actor=world.officer, tender=tender, language="uk", title="X")
    assert exc.value.code == "original_language"
    with pytest.raises(ApplicationError):
        versions.tender_version_set(actor=world.officer, tender=tender, language="de", title="X")
    drafting.tender_cancel(actor=world.officer, tender=tender, reason="Not needed")
    with pytest.raises(ConflictError):
        english(world, tender)
    assert not TenderVersion.objects.exists()


@pytest.mark.parametrize("who", ["buyer_bidder", "supplier_admin", "stranger", "other_admin"])
def test_only_the_buyers_managers_write_versions(world, who):
    tender = ukrainian(world)
    with pytest.raises(PermissionDeniedError):
        versions.tender_version_set(
            actor=getattr(world, who), tender=tender, language="en", title="Hijacked"
        )
    assert not TenderVersion.objects.exists() and not LotVersion.objects.exists()
    # The company admin may.
    versions.tender_version_set(actor=world.buyer_admin, tender=tender, language="en", title="T")


def test_changing_a_drafts_original_language_drops_the_version_in_it(world):
    tender = ukrainian(world, publish=False)
    english(world, tender)
    drafting.tender_update(actor=world.officer, tender=tender, original_language="en")
    tender = fresh(tender)
    assert tender.original_language == "en"
    assert versions.tender_text_for(tender, "uk").versions == ()


def test_a_draft_edited_after_its_version_shows_the_version_as_stale(world):
    tender = ukrainian(world, publish=False)
    english(world, tender)
    drafting.tender_update(actor=world.officer, tender=tender, title="Дизельне паливо літнє")
    assert versions.tender_text_for(fresh(tender), "en").stale


def test_machine_versions_are_labelled_cached_and_never_replace_a_persons(world, deepl):
    tender = ukrainian(world, publish=False)
    with committed():
        asked = versions.tender_versions_request(actor=world.officer, tender=tender)
    assert asked == ["en", "ru"]  # eager: already translated
    text = versions.tender_text_for(fresh(tender), "en")
    lot = tender.lots.get()
    assert (text.title, text.machine, text.provider) == ("Diesel fuel winter", True, "deepl")
    assert text.lots[lot.pk].title == "Diesel fuel" and text.lots[lot.pk].machine
    assert versions.tender_text_for(fresh(tender), "ru").title == "[RU] Дизельне паливо зимове"
    assert MachineTranslation.objects.filter(target_language="en").exists()
    # The author edits the machine's English: it becomes a person's, and a machine run keeps it.
    english(world, tender)
    calls = len(deepl.requests)
    assert not tender_machine_translate(tender_id=tender.pk, language="en")
    assert len(deepl.requests) == calls  # the cache answered
    text = versions.tender_text_for(fresh(tender), "en")
    assert (text.title, text.machine) == ("Winter diesel fuel", False)


def test_publishing_asks_the_machine_for_the_missing_languages(world, libre):
    tender = ukrainian(world, publish=False)
    english(world, tender)
    with committed():
        drafting.tender_publish(actor=world.officer, tender=tender)
    assert versions.tender_text_for(fresh(tender), "ru").machine
    assert not versions.tender_text_for(fresh(tender), "en").machine


def test_no_provider_refuses_the_request_and_publishing_asks_nothing(world, settings):
    settings.DEEPL_AUTH_KEY = settings.LIBRETRANSLATE_URL = ""
    tender = ukrainian(world)
    with pytest.raises(ConflictError) as exc:
        versions.tender_versions_request(actor=world.officer, tender=tender)
    assert exc.value.code == "no_translation_provider"
    assert not TenderVersion.objects.exists()


@pytest.mark.parametrize("mode", ["down", "hang"])
def test_a_provider_down_or_slow_leaves_the_original(world, deepl, mode):
    deepl.mode = mode
    tender = ukrainian(world, publish=False)
    with committed():
        versions.tender_versions_request(actor=world.officer, tender=tender, languages=["en"])
    text = versions.tender_text_for(fresh(tender), "en")
    assert text.is_original and text.title == "Дизельне паливо зимове"
    assert len(deepl.requests) == 1 and not MachineTranslation.objects.exists()


def test_documents_marked_as_translations(world):
    tender = ukrainian(world)
    spec = documents.tender_document_upload(
        actor=world.officer, tender=tender, file=pdf("spec.pdf")
    )
    spec_en = documents.tender_document_upload(
        actor=world.officer, tender=tender, file=pdf("spec-en.pdf")
    )
    with pytest.raises(PermissionDeniedError):
        versions.document_translation_mark(
            actor=world.supplier_admin, document=spec_en, translation_of=spec, language="en"
        )
    versions.document_translation_mark(
        actor=world.officer, document=spec_en, translation_of=spec, language="en"
    )
    groups = versions.document_groups(tender.documents.order_by("pk"))
    assert [g["document"] for g in groups] == [spec]
    assert groups[0]["translations"][0]["document"] == spec_en
    with pytest.raises(ApplicationError):  # a translation of a translation
        versions.document_translation_mark(
            actor=world.officer, document=spec, translation_of=spec_en, language="ru"
        )
    versions.document_translation_unmark(actor=world.officer, document=spec_en)
    assert not TenderDocumentLanguage.objects.exists()


def test_the_protocol_names_the_governing_language(world):
    from django.utils import translation

    with translation.override("en"):
        assert original_language_note("uk").startswith("Ukrainian: the tender's texts in it govern")


# --- Search ----------------------------------------------------------------------------------


def test_the_database_search_finds_a_tender_by_a_word_of_its_english_version(world, settings):
    settings.ELASTICSEARCH_URL = ""
    tender = ukrainian(world)
    database = DatabaseBackend()
    assert database.search(tender_query({"q": "warehouse"}), user=None).ids == []
    english(world, tender)  # tender.version_changed: search's listener indexes it again
    assert database.search(tender_query({"q": "warehouse"}), user=None).ids == [tender.pk]
    assert database.search(tender_query({"q": "DSTU"}), user=None).ids == [tender.pk]
    with committed():
        versions.tender_version_delete(actor=world.officer, tender=tender, language="en")
    assert database.search(tender_query({"q": "warehouse"}), user=None).ids == []


def test_the_elasticsearch_search_finds_it_too(world):
    server = FakeElasticsearch().start()
    try:
        with override_settings(
            ELASTICSEARCH_URL=server.url,
            ELASTICSEARCH_INDEX_PREFIX="tf",
            ELASTICSEARCH_REFRESH="wait_for",
        ):
            tender = ukrainian(world)
            english(world, tender)
            found = ElasticBackend(server.url).search(tender_query({"q": "warehouse"}), user=None)
            assert found.ids == [tender.pk]
    finally:
        server.stop()
