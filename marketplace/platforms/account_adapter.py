"""allauth's e-mail (sign-up confirmation, password reset...) on a brand's host: from the
brand's sender (``branding.sender_for``), its subject prefixed with the brand's name. Set as
``ACCOUNT_ADAPTER``; elsewhere allauth's defaults."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.utils.encoding import force_str

from .branding import sender_for


def _brand():
    return getattr(context.request, "brand", None)


class BrandAccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        brand = _brand()
        return sender_for(brand.platform_id) if brand is not None else super().get_from_email()

    def format_email_subject(self, subject: str) -> str:
        brand = _brand()
        if brand is None:
            return super().format_email_subject(subject)
        return f"[{brand.display_name}] {force_str(subject)}"
