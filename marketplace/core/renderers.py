"""DRF's browsable API within the site's Content-Security-Policy.

Its pages (``rest_framework/base.html`` and the forms it includes) carry inline ``style``
attributes and, with code highlighting, a ``<style>`` element; under the site's
``style-src 'self'`` the browser refused them, one console error each. Like the API
documentation pages (``marketplace/urls.py``), these pages, and only these, allow inline styles;
their scripts stay ``'self'`` (DRF's own files; its CSRF token is a JSON data block)."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from rest_framework.renderers import BrowsableAPIRenderer


class CspBrowsableAPIRenderer(BrowsableAPIRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            # django-csp's middleware reads this from the response, as its csp_update decorator
            # sets it.
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
