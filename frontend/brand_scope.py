"""On a brand's host, one tender or lot of another platform is not there: every page and API
view addressed by a ``tender_id``, ``lot_id``, ``application_id`` or ``question_id`` (the
tender and lot pages, the manage pages, the auction room, the public results, the OCDS
package, the tenders API and its bidding, documents and questions) answers 404 before it
runs, as it would for a tender that does not exist. The lists are narrowed where they are read
(``marketplace.platforms.hosts.scope_filter``). Elsewhere nothing changes."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from auctions.models import Application, Lot, Question, Tender
from marketplace.platforms.hosts import platform_scope

# A URL's keyword -> how to find the platform of the object it names.
_PLATFORM_OF = {
    "tender_id": (Tender, "platform_id"),
    "lot_id": (Lot, "tender__platform_id"),
    "application_id": (Application, "lot__tender__platform_id"),
    "question_id": (Question, "tender__platform_id"),
}


def outside_scope(scope: int, kwargs: dict) -> str | None:
    """The first keyword of ``kwargs`` naming an object of another platform than ``scope``."""
    for name, (model, field) in _PLATFORM_OF.items():
        if name not in kwargs:
            continue
        platform_id = model.objects.filter(pk=kwargs[name]).values_list(field, flat=True).first()
        if platform_id is not None and platform_id != scope:
            return name
    return None


class BrandScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = platform_scope(request)
        if scope is None or not view_kwargs:
            return None
        name = outside_scope(scope, view_kwargs)
        if name is None:
            return None
        what = "lot" if name == "lot_id" else name.removesuffix("_id")
        if request.path.startswith("/api/"):
            message = _("Not found.")
            return JsonResponse(
                {"error": {"code": f"{what}_not_found", "message": message}}, status=404
            )
        raise Http404(_("Not found."))
