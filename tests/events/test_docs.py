"""docs/events.md lists the catalogue as the code has it, and every listener listens to a
catalogued type (checked at registration) and is found at start-up."""

from marketplace.events import catalogue, registry
from marketplace.events.docs import docs_path, docs_with_catalogue


def test_the_documented_catalogue_is_the_codes():
    text = docs_path().read_text(encoding="utf-8")
    assert text == docs_with_catalogue(text), "run: manage.py events_catalogue --write"
    for name in catalogue.TYPES:
        assert f"### `{name}`" in text


def test_the_auction_apps_listener_is_registered_at_start_up():
    entry = registry.get("auctions.recheck_sockets")
    assert entry is not None
    assert set(entry.types) == {"company.access_changed", "application.rejected"}
