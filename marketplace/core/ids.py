"""Ids the API accepts: whole numbers from 1 to 2⁶³ − 1, the range of a bigint primary key.

A larger number is refused as input, never passed to the database: the embedded SQLite cannot
bind an integer beyond 64 bits (``OverflowError``, a 500), and no row can have such an id
anyway. Body and query ids answer 400 (``IdField``, ``IdFilter``); a path id that no row can
have answers 404, as any other missing object does (``PathIdsInRange``).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers

from .exceptions import NotFoundError

ID_MIN = 1
ID_MAX = 2**63 - 1


def is_id(value) -> bool:
    """Is ``value`` an int some row could have as its id?"""
    return isinstance(value, int) and not isinstance(value, bool) and ID_MIN <= value <= ID_MAX


class IdField(serializers.IntegerField):
    """An id in a request body: an integer from 1 to 2⁶³ − 1, else 400."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id in a query string: a whole number from 1 to 2⁶³ − 1, else 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class PathIdsInRange:
    """An ``APIView`` mixin: every ``<int:…_id>`` of the path must be a possible id, else the
    view answers 404 before it reads anything. ``path_id_not_found`` gives an argument's code
    and (lazily translated) message: the ones the view answers for a missing object."""

    path_id_not_found: dict[str, tuple[str, object]] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, value in kwargs.items():
            if name.endswith("_id") and isinstance(value, int) and not is_id(value):
                code, message = self.path_id_not_found.get(name, ("not_found", None))
                raise NotFoundError(str(message) if message else _("Not found."), code=code)
