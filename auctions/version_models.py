"""A tender's texts in other languages (django-parler), and documents marked as translations.

The original is the tender's and its lots' own columns (``Tender.title``, ``Lot.title`` ...), in
``Tender.original_language``: it governs, the protocol and the lot's hash chain read it, and
nothing here changes it. ``TenderVersion`` and ``LotVersion`` (one row per tender or lot, made
with its first version) hold, per language, parler translation rows: the title and description
in that language, whether a machine made it (``machine``, ``provider``) or a person
(``edited_by``), when, and the hash of the original it was made from (``source_hash``: a
version older than the original's last change is shown as such). The original's language never
has a version row. A ``TenderDocumentLanguage`` marks a tender document as the translation of
another of the same tender into a language; the pages list it beside the original.

Registered with the auction app by ``auctions/models.py``'s last import."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import (  # type: ignore[import-untyped]
    TranslatableModel,
    TranslatedFields,
)

from marketplace.translation.models import LANGUAGE_CHOICES


def _version_fields(title_label) -> TranslatedFields:
    return TranslatedFields(
        title=models.CharField(title_label, max_length=300),
        description=models.TextField(_("description"), blank=True),
        machine=models.BooleanField(_("machine translation"), default=False),
        provider=models.CharField(_("provider"), max_length=32, blank=True),
        source_hash=models.CharField(max_length=64, blank=True),
        edited_by=models.ForeignKey(
            settings.AUTH_USER_MODEL,
            null=True,
            blank=True,
            on_delete=models.SET_NULL,
            related_name="+",
        ),
        updated_at=models.DateTimeField(_("updated at")),
    )


class TenderVersion(TranslatableModel):
    """The other-language versions of a tender's title and description (``tender.versions``)."""

    tender: models.OneToOneField = models.OneToOneField(
        "auctions.Tender", primary_key=True, on_delete=models.CASCADE, related_name="versions"
    )
    translations = _version_fields(_("title"))

    class Meta:
        verbose_name = _("tender's versions in other languages")
        verbose_name_plural = _("tenders' versions in other languages")

    def __str__(self) -> str:
        return f"versions of tender {self.tender_id}"


class LotVersion(TranslatableModel):
    """The other-language versions of a lot's item and specification (``lot.versions``)."""

    lot: models.OneToOneField = models.OneToOneField(
        "auctions.Lot", primary_key=True, on_delete=models.CASCADE, related_name="versions"
    )
    translations = _version_fields(_("item"))

    class Meta:
        verbose_name = _("lot's versions in other languages")
        verbose_name_plural = _("lots' versions in other languages")

    def __str__(self) -> str:
        return f"versions of lot {self.lot_id}"


class TenderDocumentLanguage(models.Model):
    """``document`` is the translation of ``translation_of`` (a document of the same tender)
    into ``language``; the original document governs."""

    document = models.OneToOneField(
        "auctions.TenderDocument",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="translation",
    )
    translation_of = models.ForeignKey(
        "auctions.TenderDocument", on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document's translation")
        verbose_name_plural = _("documents' translations")
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"], name="tender_document_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"document {self.document_id}: {self.language} of {self.translation_of_id}"
