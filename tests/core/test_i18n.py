"""The Russian and Ukrainian catalogues: complete, well-formed, compiled, and used by Django.

``locale/<lang>/LC_MESSAGES/django.po`` is the source of truth; ``django.mo`` is committed next
to it. After ``makemessages`` every new entry must be translated (all plural forms, no fuzzy
flags) and ``compilemessages`` run again, or these tests fail.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
TRANSLATED = ["ru", "uk"]

# %(name)s-style and positional %s/%d directives ("%%" is a literal percent sign and is
# removed first), and str.format fields such as {name}.
NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def east_slavic(n: int) -> int:
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 10 <= n % 100 < 20:
        return 1
    return 2


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def load_po(lang: str) -> polib.POFile:
    path = po_path(lang)
    assert path.is_file(), f"{path} is missing: run makemessages"
    return polib.pofile(str(path))


def live_entries(lang: str) -> list[polib.POEntry]:
    return [e for e in load_po(lang) if not e.obsolete]


def label(entry: polib.POEntry) -> str:
    where = entry.occurrences[0][0] if entry.occurrences else "?"
    return f"{entry.msgid!r} ({where})"


def placeholders(text: str, *, python_format: bool = True) -> tuple:
    if python_format:
        stripped = text.replace("%%", "")
        named = frozenset(NAMED.findall(stripped))
        positional = tuple(POSITIONAL.findall(NAMED.sub("", stripped)))
    else:
        named, positional = frozenset(), ()
    return named, positional, frozenset(BRACE.findall(text))


def forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def catalogue(entries) -> dict[tuple[str | None, str], object]:
    """(msgctxt, msgid) -> translation, for the entries that have one."""
    result: dict[tuple[str | None, str], object] = {}
    for e in entries:
        if not e.msgid or e.obsolete or "fuzzy" in e.flags:
            continue
        if e.msgid_plural:
            values = tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))
            if all(values):
                result[(e.msgctxt, e.msgid)] = (e.msgid_plural, values)
        elif e.msgstr:
            result[(e.msgctxt, e.msgid)] = e.msgstr
    return result


@pytest.mark.parametrize("lang", TRANSLATED)
def test_header_language_and_east_slavic_plural_rule(lang):
    po = load_po(lang)
    assert po.metadata.get("Language") == lang
    assert not po.metadata_is_fuzzy, "the header is still marked fuzzy"
    plural_forms = po.metadata.get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals=(\d+);\s*plural=(.+?);?\s*", plural_forms)
    assert match, f"bad Plural-Forms: {plural_forms!r}"
    assert int(match.group(1)) == 3
    rule = gettext.c2py(match.group(2))
    wrong = [n for n in range(0, 1000) if rule(n) != east_slavic(n)]
    assert not wrong, f"the plural rule gives the wrong form for n in {wrong[:10]}"


def test_english_catalogue_header():
    po = load_po("en")
    assert po.metadata.get("Language") == "en"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "").startswith("nplurals=2;")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    entries = live_entries(lang)
    assert entries, "the catalogue has no entries"
    fuzzy = [label(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in {lang}: {fuzzy[:20]}"
    untranslated = []
    for e in entries:
        values = forms(e)
        if e.msgid_plural and len(values) != 3:
            untranslated.append(f"{label(e)}: {len(values)} plural forms instead of 3")
        elif not all(v.strip() for v in values):
            untranslated.append(label(e))
    assert not untranslated, f"{len(untranslated)} untranslated in {lang}: {untranslated[:20]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_kept(lang):
    problems = []
    for e in live_entries(lang):
        python_format = "no-python-format" not in e.flags
        expected = placeholders(e.msgid, python_format=python_format)
        if e.msgid_plural:
            plural = placeholders(e.msgid_plural, python_format=python_format)
            # Form 0 also serves 21, 31, ...: every form carries the count.
            expected = (expected[0] | plural[0], plural[1], expected[2] | plural[2])
        for value in forms(e):
            got = placeholders(value, python_format=python_format)
            if got != expected:
                problems.append(f"{label(e)} -> {value!r}: {got} != {expected}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_html_tags_are_kept(lang):
    # Real HTML elements only: "<token>" or "<price>" in help texts are words to translate.
    tag = re.compile(
        r"</?(?:a|abbr|b|br|code|div|em|h[1-6]|i|kbd|li|ol|p|pre|small|span|strong|sub|sup"
        r"|table|td|th|tr|u|ul)\b[^>]*>"
    )
    problems = []
    for e in live_entries(lang):
        expected = sorted(tag.findall(e.msgid_plural or e.msgid))
        for value in forms(e):
            if sorted(tag.findall(value)) != expected:
                problems.append(f"{label(e)} -> {value!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", [*TRANSLATED, "en"])
def test_committed_mo_matches_po(lang):
    po = load_po(lang)
    mo_path = po_path(lang).with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run compilemessages"
    mo = polib.mofile(str(mo_path))
    expected = catalogue(po)
    compiled = catalogue(mo)
    stale = sorted(
        repr(key[1])
        for key in expected.keys() | compiled.keys()
        if expected.get(key) != compiled.get(key)
    )
    assert not stale, f"{lang} django.mo is stale, run compilemessages: {stale[:20]}"
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("lang", [*TRANSLATED, "en"])
def test_po_passes_msgfmt_check(lang, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(po_path(lang))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("lang", "platform", "membership", "reason"),
    [
        ("ru", "торговая площадка", "членство в компании", "Причина"),
        ("uk", "торговий майданчик", "членство в компанії", "Причина"),
    ],
)
def test_django_uses_the_catalogue(lang, platform, membership, reason):
    from marketplace.companies.models import Membership
    from marketplace.platforms.models import Platform

    with translation.override(lang):
        assert str(Platform._meta.verbose_name) == platform
        assert str(Membership._meta.verbose_name) == membership
        assert translation.gettext("Reason") == reason
    with translation.override("en"):
        assert str(Platform._meta.verbose_name) == "trading platform"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ru", {1: "запись", 2: "записи", 5: "записей", 11: "записей", 21: "запись", 22: "записи"}),
        ("uk", {1: "запис", 2: "записи", 5: "записів", 11: "записів", 21: "запис", 24: "записи"}),
    ],
)
def test_django_plural_forms(lang, expected):
    with translation.override(lang):
        for n, word in expected.items():
            text = translation.ngettext("One participation:", "%(counter)s participations:", n)
            assert text % {"counter": n} == text.replace("%(counter)s", str(n))
            assert text.split()[1] == word, (n, text)
