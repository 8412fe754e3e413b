"""The brand editor's forms: they parse what was typed; the rules (contrast, sender, links,
host names, the logo) are ``marketplace.platforms.branding``'s."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.platforms.models import PlatformBrand


def _colour_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "color"})


class BrandForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown on the pages"), max_length=80)
    primary_color = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        widget=_colour_input(),
        help_text=_("The top bar and the main buttons."),
    )
    text_on_primary_color = forms.CharField(
        label=_("Text on the primary colour"), max_length=7, widget=_colour_input()
    )
    accent_color = forms.CharField(
        label=_("Accent colour"), max_length=7, widget=_colour_input(), help_text=_("Links.")
    )
    sender_name = forms.CharField(label=_("E-mail sender's name"), max_length=80, required=False)
    sender_email = forms.EmailField(
        label=_("E-mail sender's address"),
        required=False,
        help_text=_("On one of the brand's host names, e.g. noreply@procurement.example.com."),
    )
    terms = forms.CharField(
        label=_("Terms of participation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    footer_text = forms.CharField(
        label=_("Footer text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    footer_links = forms.CharField(
        label=_("Footer links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the label, a vertical bar, the address (Contacts | /contacts/)."),
    )
    hosts = forms.CharField(
        label=_("Host names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, without scheme or port (procurement.example.com)."),
    )

    def __init__(self, *args, may_bind_hosts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_bind_hosts:
            del self.fields["hosts"]

    def clean_footer_links(self) -> list[dict]:
        links = []
        for line in (self.cleaned_data.get("footer_links") or "").splitlines():
            if not line.strip():
                continue
            label, bar, url = line.partition("|")
            if not bar:
                raise forms.ValidationError(
                    _("Write each link as: the label | the address."), code="footer_link"
                )
            links.append({"label": label.strip(), "url": url.strip()})
        return links

    def clean_hosts(self) -> list[str]:
        raw = (self.cleaned_data.get("hosts") or "").replace(",", "\n")
        return [line.strip() for line in raw.splitlines() if line.strip()]

    @classmethod
    def initial_for(cls, brand: PlatformBrand | None, *, name: str) -> dict:
        if brand is None:
            defaults = PlatformBrand()
            return {
                "display_name": name,
                "primary_color": defaults.primary_color,
                "text_on_primary_color": defaults.text_on_primary_color,
                "accent_color": defaults.accent_color,
            }
        return {
            "display_name": brand.display_name,
            "primary_color": brand.primary_color,
            "text_on_primary_color": brand.text_on_primary_color,
            "accent_color": brand.accent_color,
            "sender_name": brand.sender_name,
            "sender_email": brand.sender_email,
            "terms": brand.terms,
            "footer_text": brand.footer_text,
            "footer_links": "\n".join(f"{x['label']} | {x['url']}" for x in brand.footer_links),
            "hosts": "\n".join(h.host for h in brand.hosts.all()),
        }


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("PNG, JPEG or WebP; SVG is not accepted."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp"}),
    )
