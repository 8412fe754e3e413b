"""The machine translation cache: one row per text a provider translated, found by the text's
hash with its source and target languages and the provider that made it. A text translated
once is never sent again (a tender read by a hundred suppliers costs one call), and a provider
changed in the settings makes its own rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The languages a text may be written and translated in (the site's: settings.LANGUAGES).
LANGUAGE_CHOICES = [("en", _("English")), ("ru", _("Russian")), ("uk", _("Ukrainian"))]
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGE_CHOICES)


class MachineTranslation(models.Model):
    source_hash = models.CharField(max_length=64, help_text="sha256 of the source text")
    source_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    target_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    provider = models.CharField(max_length=32)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("machine translation")
        verbose_name_plural = _("machine translations")
        constraints = [
            models.UniqueConstraint(
                fields=["source_hash", "source_language", "target_language", "provider"],
                name="machine_translation_unique",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.provider} {self.source_language}→{self.target_language} {self.source_hash[:8]}"
        )
