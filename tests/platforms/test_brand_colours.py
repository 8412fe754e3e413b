"""The brand's colours without the database: parsing, WCAG's contrast ratio, and a generated
stylesheet that holds nothing but #rrggbb colours."""

from __future__ import annotations

import pytest

from marketplace.platforms.colours import (
    Palette,
    colour_parse,
    contrast_ratio,
    palette_errors,
    palette_from,
    stylesheet,
)

GOOD = {"primary_color": "#14324F", "accent_color": "#0b5cad", "text_on_primary_color": "#fff"}


def test_colours_are_hex_only():
    assert colour_parse("#14324F") == "#14324f"
    assert colour_parse("abc") == "#aabbcc"
    for bad in ("red", "#12345", "#1234567", "#14324f;}", "url(x)", "", None, "#ggg000"):
        assert colour_parse(bad) is None


def test_the_contrast_ratio_is_wcags():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # AA's edge


def test_a_readable_palette_passes_and_is_tidied():
    assert palette_errors(GOOD) == {}
    assert palette_from(GOOD) == Palette("#14324f", "#0b5cad", "#ffffff")


def test_text_too_close_to_its_background_is_refused_with_the_ratio():
    errors = palette_errors({**GOOD, "text_on_primary_color": "#3a5a7a"})
    assert list(errors) == ["text_on_primary_color"]
    assert "4.5:1" in errors["text_on_primary_color"][0]
    light = palette_errors({**GOOD, "primary_color": "#ffdd00", "text_on_primary_color": "#000"})
    assert list(light) == ["primary_color"]  # yellow as button text on white: unreadable
    assert list(palette_errors({**GOOD, "accent_color": "#99ccff"})) == ["accent_color"]


def test_a_value_that_is_no_colour_never_reaches_the_stylesheet():
    errors = palette_errors({**GOOD, "accent_color": "#000;} body{display:none"})
    assert list(errors) == ["accent_color"]
    with pytest.raises(ValueError):
        stylesheet(Palette("#14324f;}*{", "#0b5cad", "#ffffff"))
    css = stylesheet(palette_from(GOOD))
    assert ":root { --brand: #14324f; --brand-accent: #0b5cad; --brand-on: #ffffff; }" in css
    assert "<" not in css and "url(" not in css and "@import" not in css
