"""The indices on Elasticsearch, one per kind (tenders, suppliers, products): their analyzers
and mappings (``elasticsearch.dsl``), and the body indexed for each ``search.documents`` dict.
Only filters that a stock Elasticsearch 9 has (no ICU, no plugin), so any cluster takes it.

* ``text`` and ``title_text``: the haystacks ``search.text`` makes (folded words, their Latin
  forms, ``unit:`` names), split on spaces and searched by word prefix (``index_prefixes``
  makes short prefixes cheap). They carry the match rule both backends share and the
  transliteration ("dizel" finds "дизель": the Latin forms are in the haystack).
* ``title``, ``description`` (and a tender's ``lots``): the words as written, analysed three
  ways: folded (``tf_folded``: ё as е, apostrophes dropped, lower case, ``asciifolding`` for
  Latin letters with marks), Russian (``.ru``: the ``russian`` stop words and snowball
  stemmer) and Ukrainian (``.uk``: a Ukrainian stop list and a light stem, the word less its
  last two letters as ``search.text.stem`` cuts it; or the ``analysis-ukrainian`` plugin's
  ``ukrainian`` analyzer where the cluster has it: ``ELASTICSEARCH_UKRAINIAN_ANALYZER``).
  Each has the units' synonyms (``tf_units``, from ``search.text.UNIT_SYNONYMS``): "т",
  "тонна" and "tonne" are one token.
* The filters, facets and sorts as keywords, numbers and dates; ``category_tree`` holds the
  category's path and every ancestor's, so that a category filter and the category facet are
  plain terms; who may read the tender (``public``, ``participation``, ``buyer``, ``invited``,
  ``platform``, ``status``). A supplier's categories and regions are its ``tags`` (each
  category with its ancestors, each subdivision with its country), its standing ``band``; a
  product's category (with ``category_tree``), supplier, currency and prices. Suppliers and
  products are public (``public``: everyone may read them).
* Each index keeps the hash of the body it was made with (settings, analysis, mapping) in its
  ``_meta`` (``body_hash``), and whether a rebuild made it: ``search_index --if-needed``
  rebuilds a kind whose hash is not the one this code makes, or whose index a first write made
  (holding only what was written since).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Date,
    Index,
    Keyword,
    Long,
    Mapping,
    Object,
    ScaledFloat,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from ..query import Kind
from ..text import UNIT_SYNONYMS, fold, haystack

# Common Ukrainian function words (folded: no apostrophes), which the light stem would
# otherwise keep as words.
UKRAINIAN_STOP = sorted(
    {
        "а", "або", "але", "б", "без", "би", "бо", "був", "була", "були", "було", "бути", "в",
        "вам", "вас", "ви", "від", "він", "вона", "вони", "воно", "все", "всі", "де", "для",
        "до", "є", "ж", "же", "з", "за", "зі", "і", "із", "її", "їх", "й", "його", "к", "коли",
        "ми", "між", "на", "над", "нас", "не", "ні", "о", "об", "от", "по", "під", "після",
        "при", "про", "та", "так", "також", "там", "те", "тим", "то", "тому", "ту", "тут",
        "у", "усі", "це", "ці", "цей", "ця", "чи", "що", "щоб", "як", "який", "яка", "яке",
        "які", "я",
    }
)  # fmt: skip


def unit_rules() -> list[str]:
    """``search.text.UNIT_SYNONYMS`` as the ``synonym`` filter's rules: every name of a unit
    becomes one token, ``unit_<canonical>``."""
    rules = []
    for unit, names in UNIT_SYNONYMS.items():
        folded = dict.fromkeys(fold(n) for n in names)
        rules.append(", ".join(folded) + f" => unit_{unit}")
    return rules


# ё as е, superscript digits as digits, the apostrophes dropped: search.text.fold's work that
# lower case does not do.
tf_fold = char_filter("tf_fold", type="mapping", mappings=["ё => е", "Ё => Е", "² => 2", "³ => 3"])
tf_apostrophes = char_filter(
    "tf_apostrophes", type="pattern_replace", pattern="['’ʼ]", replacement=""
)
tf_units = token_filter("tf_units", type="synonym", synonyms=unit_rules(), lenient=True)
tf_russian_stop = token_filter("tf_russian_stop", type="stop", stopwords="_russian_")
tf_russian_stem = token_filter("tf_russian_stem", type="stemmer", language="russian")
tf_ukrainian_stop = token_filter("tf_ukrainian_stop", type="stop", stopwords=UKRAINIAN_STOP)
# search.text.stem for Cyrillic words: six letters or more lose two, five lose one (Java's
# replacement leaves a group that did not take part empty).
tf_ukrainian_stem = token_filter(
    "tf_ukrainian_stem",
    type="pattern_replace",
    pattern=r"^(?:(\p{IsCyrillic}{4,})\p{IsCyrillic}{2}|(\p{IsCyrillic}{4})\p{IsCyrillic})$",
    replacement="$1$2",
)

tf_haystack = analyzer("tf_haystack", tokenizer="whitespace", filter=["lowercase"])
tf_folded = analyzer(
    "tf_folded",
    tokenizer="standard",
    char_filter=[tf_fold, tf_apostrophes],
    filter=["lowercase", tf_units, "asciifolding"],
)
tf_russian = analyzer(
    "tf_russian",
    tokenizer="standard",
    char_filter=[tf_fold, tf_apostrophes],
    filter=["lowercase", tf_units, tf_russian_stop, tf_russian_stem],
)
tf_ukrainian = analyzer(
    "tf_ukrainian",
    tokenizer="standard",
    char_filter=[tf_fold, tf_apostrophes],
    filter=["lowercase", tf_units, tf_ukrainian_stop, tf_ukrainian_stem],
)


def _words_field(ukrainian: str) -> Text:
    return Text(
        analyzer=tf_folded,
        fields={
            "ru": Text(analyzer=tf_russian),
            "uk": Text(analyzer=ukrainian or tf_ukrainian),
        },
    )


def _haystack_field() -> Text:
    return Text(
        analyzer=tf_haystack,
        index_prefixes={"min_chars": 1, "max_chars": 10},
        norms=False,
        index_options="docs",
    )


def _common(ukrainian: str, words: tuple[str, ...]) -> Mapping:
    """What every kind's index has: the id, the words fields and the haystacks, and who may
    read the document (``public``)."""
    m = Mapping()
    m.meta("dynamic", False)  # a field documents add later is kept in _source, not mapped
    m.field("id", Long())
    m.field("kind", Keyword())
    for name in words:
        m.field(name, _words_field(ukrainian))
    m.field("text", _haystack_field())
    m.field("title_text", _haystack_field())
    m.field("public", Boolean())
    return m


def _category_and_prices(m: Mapping) -> None:
    """A tender's or a product's category (``category_tree``: its path and every ancestor's),
    currency and lowest and highest price."""
    for name in ("category", "category_path", "category_tree", "currency"):
        m.field(name, Keyword())
    m.field("price_min", ScaledFloat(scaling_factor=100))
    m.field("price_max", ScaledFloat(scaling_factor=100))


def tender_mapping(*, ukrainian: str = "") -> Mapping:
    """The tenders' mapping; ``ukrainian`` names a Ukrainian analyzer the cluster has (the
    ``analysis-ukrainian`` plugin's ``ukrainian``) to use instead of the light stem."""
    m = _common(ukrainian, ("title", "description", "lots"))
    _category_and_prices(m)
    m.field("platform", Long())
    m.field("status", Keyword())
    m.field("region", Keyword())
    m.field("deadline", Date())
    m.field("published_at", Date())
    m.field("participation", Keyword())
    m.field("buyer", Long())
    m.field("invited", Long())
    return m


def supplier_mapping(*, ukrainian: str = "") -> Mapping:
    """The supplier directory's mapping: the categories it serves as tags, each with its
    ancestors (``tags.category``: a category counts a supplier once), the regions it serves,
    each subdivision with its country (``tags.region``), its country (``region``), its
    platform-wide standing band (``band``) and its verification (``status``)."""
    m = _common(ukrainian, ("title", "description"))
    m.field("tags", Object(properties={"category": Keyword(), "region": Keyword()}))
    m.field("region", Keyword())
    m.field("band", Keyword())
    m.field("status", Keyword())
    return m


def product_mapping(*, ukrainian: str = "") -> Mapping:
    """The catalogue's mapping: the category (with ``category_tree``, its path and every
    ancestor's, as the tenders'), the supplier, the current price list's currency and its
    lowest and highest price, the supplier's country (``region``) and the unit (``status``)."""
    m = _common(ukrainian, ("title", "description"))
    _category_and_prices(m)
    m.field("supplier", Long())
    m.field("region", Keyword())
    m.field("status", Keyword())
    return m


# In an index's ``_meta`` (``kind_index``): the hash of its body, and whether a rebuild made it.
BODY_HASH = "tradefloor_body_sha256"
REBUILT = "tradefloor_rebuilt"

MAPPINGS = {
    Kind.TENDERS: tender_mapping,
    Kind.SUPPLIERS: supplier_mapping,
    Kind.PRODUCTS: product_mapping,
}


def _mapping(kind: str) -> Mapping:
    return MAPPINGS[kind](ukrainian=settings.ELASTICSEARCH_UKRAINIAN_ANALYZER)


def body_hash(kind: str) -> str:
    """The hash of what ``kind``'s index is made with (its settings, analysis and mapping, as
    this code and these settings make them), kept in the index's ``_meta``: an index whose hash
    is another was made by other code or settings, and wants a rebuild (``search_index
    --if-needed``)."""
    index = Index("-")
    index.settings(number_of_shards=1)
    index.mapping(_mapping(kind))
    body = json.dumps(index.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def kind_index(kind: str, name: str, *, loading: bool = False) -> Index:
    """The index ``name`` of ``kind`` as it is created (``loading``: a rebuild's, to be loaded
    with every document: no refresh until the bulk load is done), its body's hash and whether
    it is a rebuild's in its ``_meta`` (``BODY_HASH``, ``REBUILT``)."""
    index = Index(name)
    index.settings(
        number_of_shards=1,
        **({"refresh_interval": "-1"} if loading else {}),
    )
    mapping = _mapping(kind)
    mapping.meta("_meta", {BODY_HASH: body_hash(kind), REBUILT: loading})
    index.mapping(mapping)
    return index


def built_with(mappings: dict) -> tuple[str, bool]:
    """The body's hash an index was made with (empty: made before the hash was kept), and
    whether a rebuild made it (else a first write did, with the documents written since), from
    its mapping (``GET <index>/_mapping``)."""
    meta = mappings.get("_meta") or {}
    return str(meta.get(BODY_HASH) or ""), meta.get(REBUILT) is True


def tender_index(name: str, *, loading: bool = False) -> Index:
    """The tenders' index ``name`` (``kind_index``)."""
    return kind_index(Kind.TENDERS, name, loading=loading)


def index_body(document: dict) -> dict:
    """What is indexed of ``document``: the document itself, and what the index derives from
    it (the title's own haystack, which ranks a word in the title higher; the category's
    ancestors' paths)."""
    path = document.get("category_path") or ""
    parts = path.split("/") if path else []
    return {
        **document,
        "category": str(document["category"]) if document.get("category") else None,
        "title_text": haystack(document.get("title") or ""),
        "category_tree": ["/".join(parts[: i + 1]) for i in range(len(parts))],
    }
