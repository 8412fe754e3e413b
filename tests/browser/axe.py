"""axe-core (from npm: node_modules/axe-core) run in a page: its serious and critical findings.

The library is evaluated in the page through the browser's debugging protocol, not added as a
script element, so the page's Content-Security-Policy stays as it is served."""

from __future__ import annotations

import os
from functools import cache

import pytest

from .stack import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")


@cache
def _source() -> str:
    if not AXE.exists():
        reason = f"needs axe-core at {AXE} (npm ci)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    return AXE.read_text()


def findings(page, impacts=FAILING) -> list[str]:
    """The page's accessibility violations of ``impacts``, one line each: rule, impact, the
    elements (CSS selectors) and what axe says to do."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in impacts
    ]
