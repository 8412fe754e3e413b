"""What a production image holds: every project package Django loads is copied by
infra/Dockerfile and installed by pyproject.toml's package list (a package left out fails only
when the container starts)."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def project_packages() -> set[str]:
    """The top-level packages of this repository that INSTALLED_APPS names (and ``demo``, whose
    management command the release runs)."""
    tops = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    return {top for top in tops if (ROOT / top / "__init__.py").exists()}


def test_the_image_copies_every_package_django_loads():
    copied = set(re.findall(r"^COPY (\w+) \1$", (ROOT / "infra/Dockerfile").read_text(), re.M))
    missing = project_packages() - copied
    assert not missing, f"infra/Dockerfile does not copy {sorted(missing)}"


def test_the_package_list_installs_every_package_django_loads():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    missing = {p for p in project_packages() if not any(fnmatch(p, pat) for pat in patterns)}
    assert not missing, f"pyproject.toml's packages leave out {sorted(missing)}"
