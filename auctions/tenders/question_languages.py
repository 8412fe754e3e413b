"""Clarifications for readers of another language: each question and answer in the reader's
language by machine translation (cached, labelled), the original kept beside it.

A question is taken to be written in its asker's language and an answer in its author's (their
profiles' languages: nothing else says which). The page reads the cache only and never waits on
a provider: a text not translated yet is asked of the provider in the background
(``marketplace.translation``; once, and not while the provider rests) and shown in the original
meanwhile; with no provider configured the originals are shown, with their language."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from marketplace.core.background import task_on_commit
from marketplace.translation.models import LANGUAGE_CODES
from marketplace.translation.services import cached, missing_request
from marketplace.translation.tasks import translate_texts

from .version_text import reader_language


@dataclass(frozen=True)
class Translated:
    """A question's or answer's text for one reader: ``translation`` in the reader's language
    (a machine's), or None where the original is shown (same language, not translated yet, or
    no provider)."""

    original: str
    language: str
    translation: str | None
    reader: str

    @property
    def foreign(self) -> bool:
        """Written in another language than the reader's."""
        return self.language != self.reader


def _send(texts: list[str], source: str, target: str) -> None:
    task_on_commit(translate_texts, texts, source, target)


def _languages(user_ids: set[int]) -> dict[int, str]:
    rows = get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "language")
    return {pk: (code if code in LANGUAGE_CODES else "en") for pk, code in rows}


def question_texts_for(questions, language: str | None) -> dict[int, dict[str, Translated]]:
    """``{question id: {"text": Translated, "answer": Translated}}`` for a reader of
    ``language``."""
    target = reader_language(language)
    questions = list(questions)
    writers = _languages(
        {q.asked_by_id for q in questions}
        | {q.answered_by_id for q in questions if q.answered_by_id}
    )
    wanted: list[tuple[int, str, str, str]] = []  # (question, part, source language, text)
    for q in questions:
        wanted.append((q.pk, "text", writers.get(q.asked_by_id, "en"), q.text))
        if q.answer:
            wanted.append((q.pk, "answer", writers.get(q.answered_by_id or 0, "en"), q.answer))
    found: dict[tuple[int, str], str | None] = {}
    sources = {source for _q, _p, source, _t in wanted if source != target}
    for source in sources:
        items = [(q, p, t) for q, p, s, t in wanted if s == source]
        texts = [t for _q, _p, t in items]
        answers = cached(texts, source=source, target=target)
        if any(a is None for a in answers):
            missing = [t for t, a in zip(texts, answers, strict=True) if a is None]
            if missing_request(missing, source=source, target=target, send=_send):
                answers = cached(texts, source=source, target=target)  # done already if eager
        for (q, p, _t), answer in zip(items, answers, strict=True):
            found[(q, p)] = answer
    out: dict[int, dict[str, Translated]] = {}
    for q, part, source, text in wanted:
        out.setdefault(q, {})[part] = Translated(
            original=text, language=source, translation=found.get((q, part)), reader=target
        )
    return out
