"""What the browser tests wait for on a page, beside Playwright's own waits."""

from __future__ import annotations


def wait_for_htmx(page) -> None:
    """Wait until htmx has started on the page.

    htmx is loaded with ``defer`` and binds its triggers on DOMContentLoaded; the page's load event
    comes after that. Typed into, or clicked, before it (a loaded machine shows it: the URL is
    there, the scripts not yet), a live check is never made and an htmx button posts the whole page.
    """
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined")
