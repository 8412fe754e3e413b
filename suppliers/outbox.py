"""The suppliers' domain events: what other domains hear of a supplier's profile and catalogue
(the search indexes them again)."""

from __future__ import annotations

from marketplace.events.services import event_emit


def supplier_changed(*, supplier_id: int, part: str, actor=None) -> None:
    """``part``: profile, certificates, products or price_lists. Inside the change's
    transaction; listeners hear of it after the commit."""
    event_emit(
        "supplier.changed",
        payload={"supplier": supplier_id, "part": part},
        company=supplier_id,
        actor=actor,
    )
