"""A brand's colours: parsing, the WCAG contrast rule, and the generated stylesheet. No ORM.

Colours are ``#rrggbb`` only (``#rgb`` is widened): nothing else ever reaches the stylesheet,
so a value cannot carry CSS of its own. Contrast is WCAG 2.x's ratio of relative luminances;
AA asks 4.5:1 for normal text (https://www.w3.org/TR/WCAG21/#contrast-minimum).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

AA_NORMAL_TEXT = 4.5
PAGE_BACKGROUND = "#ffffff"  # site.css: the body has no background of its own
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")

# The colour fields, the stylesheet's custom properties they set (site.css's :root names
# --brand; the others are ours, read by the rules below).
COLOUR_FIELDS = ("primary_color", "accent_color", "text_on_primary_color")


def colour_parse(value: object) -> str | None:
    """``#rrggbb`` in lower case, or None when ``value`` is no hex colour."""
    match = _HEX.fullmatch(str(value or "").strip())
    if match is None:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Palette:
    primary: str
    accent: str
    text_on_primary: str


def palette_errors(values: dict) -> dict[str, list[str]]:
    """What is wrong with the colours in ``values`` (the ``COLOUR_FIELDS``): not a hex colour,
    or text that would be hard to read. Each pair the pages put together must reach AA's
    4.5:1: the text on the primary colour (the top bar, the main buttons), the primary colour as
    text on the white page (outlined buttons), the accent as text on it (links)."""
    errors: dict[str, list[str]] = {}
    parsed: dict[str, str] = {}
    for field in COLOUR_FIELDS:
        colour = colour_parse(values.get(field))
        if colour is None:
            errors[field] = [_("Write a colour as #rrggbb, for example #14324f.")]
        else:
            parsed[field] = colour
    if errors:
        return errors
    checks = (
        ("text_on_primary_color", parsed["text_on_primary_color"], parsed["primary_color"]),
        ("primary_color", parsed["primary_color"], PAGE_BACKGROUND),
        ("accent_color", parsed["accent_color"], PAGE_BACKGROUND),
    )
    messages = {
        "text_on_primary_color": _(
            "Text in %(text)s on %(background)s has a contrast of %(ratio)s:1; it needs at "
            "least 4.5:1 to stay readable. Choose a lighter or darker text colour."
        ),
        "primary_color": _(
            "The primary colour %(text)s is also used for text on the white page (buttons); "
            "its contrast is %(ratio)s:1 and needs at least 4.5:1. Choose a darker colour."
        ),
        "accent_color": _(
            "The accent colour %(text)s is used for links on the white page; its contrast is "
            "%(ratio)s:1 and needs at least 4.5:1. Choose a darker colour."
        ),
    }
    for field, text, background in checks:
        ratio = contrast_ratio(text, background)
        if ratio < AA_NORMAL_TEXT:
            shown = f"{int(ratio * 100) / 100:.2f}"  # rounded down: 4.499 is not 4.5
            errors[field] = [
                messages[field] % {"text": text, "background": background, "ratio": shown}
            ]
    return errors


def palette_from(values: dict) -> Palette:
    """The palette of valid ``values`` (``palette_errors`` found nothing)."""
    colours = {field: colour_parse(values.get(field)) for field in COLOUR_FIELDS}
    if any(c is None for c in colours.values()):
        raise ValueError("not a palette")
    return Palette(
        primary=colours["primary_color"],  # type: ignore[arg-type]
        accent=colours["accent_color"],  # type: ignore[arg-type]
        text_on_primary=colours["text_on_primary_color"],  # type: ignore[arg-type]
    )


def stylesheet(palette: Palette) -> str:
    """The brand's stylesheet: site.css's custom properties overridden, and the few rules of
    site.css that name white text on the brand colour written again with the brand's text
    colour. Every value is a colour ``colour_parse`` made, never text from a person."""
    values = [palette.primary, palette.accent, palette.text_on_primary]
    if any(colour_parse(v) != v for v in values):
        raise ValueError("a palette holds only #rrggbb colours")
    return (
        "/* Generated: a white-label platform's colours (marketplace/platforms/colours.py). */\n"
        f":root {{ --brand: {palette.primary}; --brand-accent: {palette.accent}; "
        f"--brand-on: {palette.text_on_primary}; }}\n"
        ".topbar { background: var(--brand); color: var(--brand-on); }\n"
        ".topbar a, .topbar .who { color: var(--brand-on); }\n"
        "button[type=submit], .quick button { background: var(--brand); "
        "color: var(--brand-on); border-color: var(--brand); }\n"
        "main a:not(.button) { color: var(--brand-accent); }\n"
        ".brand-swatch-primary { background: var(--brand); color: var(--brand-on); }\n"
        ".brand-swatch-accent { background: var(--brand-accent); color: #ffffff; }\n"
        ".topbar .brand { display: inline-flex; align-items: center; gap: .5rem; }\n"
        ".brand-logo { height: 2rem; width: auto; max-width: 12rem; }\n"
        ".brand-footer { max-width: 76rem; margin: 2rem auto 1rem; padding: .8rem 1rem; "
        "border-top: 3px solid var(--brand); color: var(--muted); }\n"
        ".brand-footer nav a { margin-right: 1rem; color: var(--brand-accent); }\n"
    )
