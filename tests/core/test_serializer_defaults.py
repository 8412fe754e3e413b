"""Every serializer field's default is a value the field itself would have produced.

DRF hands a field's ``default`` to ``validated_data`` as it is, without converting it. A default
written as the client would send it ("1" for a decimal) reaches the service as text: that was
``POST /api/suppliers/{id}/price-lists/{plid}/items/`` without ``min_quantity``, a 500 in the
service's ``min_quantity <= 0`` (issue 22). This test walks every serializer of the project."""

from __future__ import annotations

import enum
import importlib
import pkgutil
from pathlib import Path

from django.apps import apps
from rest_framework import relations, serializers
from rest_framework.fields import empty

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_MODULES = (".migrations", ".management", ".tests")


def _project_modules() -> None:
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents or ".venv" in path.parts:
            continue
        importlib.import_module(config.name)
        package = config.module
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not any(part in info.name for part in SKIPPED_MODULES):
                importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_serializers() -> list[type[serializers.Serializer]]:
    _project_modules()
    roots = {config.name.split(".")[0] for config in apps.get_app_configs()}
    found = {
        cls
        for cls in _subclasses(serializers.Serializer)
        if cls.__module__.split(".")[0] in roots
        and not cls.__module__.startswith(("rest_framework", "allauth", "drf_spectacular"))
    }
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def _same(produced, default) -> bool:
    if isinstance(default, enum.Enum):  # a TextChoices member is the text it stands for
        default = default.value
    return type(produced) is type(default) and produced == default


def test_serializers_are_found():
    names = {cls.__name__ for cls in project_serializers()}
    assert "PriceListItemInputSerializer" in names


def test_every_default_is_of_the_fields_own_type():
    wrong = []
    for cls in project_serializers():
        try:
            fields = cls().fields
        except Exception:  # needs its context or arguments to build its fields: not a default's
            continue
        for name, field in fields.items():
            default = field.default
            if default is empty or callable(default) or default in (None, ""):
                continue  # "" and None: "not given", which the services take as such
            if field.read_only or isinstance(field, relations.RelatedField):
                continue
            try:
                produced = field.to_internal_value(default)
            except serializers.ValidationError as error:
                wrong.append(f"{cls.__module__}.{cls.__qualname__}.{name}: {default!r} ({error})")
                continue
            if not _same(produced, default):
                wrong.append(
                    f"{cls.__module__}.{cls.__qualname__}.{name}: default {default!r}, "
                    f"the field gives {produced!r}"
                )
    assert not wrong, "\n".join(wrong)
