"""A supplier's delivery cost to a lot ranked by landed cost, on the tender page: the warehouse
it ships from, quoted and recorded on its application by ``logistics.landed``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auctions.models import Application
from logistics.landed import delivery_quote_for_application
from logistics.models import Place, PlaceKind
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id

from .templatetags.money import money


def warehouses_by_supplier(applications: list[Application]) -> None:
    """Give each application of a lot ranked by landed cost the warehouses its supplier may
    ship from (``application.warehouses``), for the tender page's form."""
    suppliers = {a.supplier_id for a in applications if a.lot.landed_cost}
    places: dict[int, list[Place]] = {}
    for place in Place.objects.filter(owner_id__in=suppliers, kind=PlaceKind.WAREHOUSE):
        places.setdefault(place.owner_id, []).append(place)
    for application in applications:
        application.warehouses = places.get(application.supplier_id, [])


@login_required
@require_POST
def application_delivery(request, application_id: int):
    raw = request.POST.get("warehouse", "")
    warehouse_id = int(raw) if raw.isdigit() and is_id(int(raw)) else None
    try:
        if warehouse_id is None:
            raise ApplicationError(_("Choose the warehouse you ship from."))
        application, _quote = delivery_quote_for_application(
            user=request.user, application_id=application_id, warehouse_id=warehouse_id
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        tender_id = (
            Application.objects.filter(pk=application_id)
            .values_list("lot__tender_id", flat=True)
            .first()
        )
        return redirect("frontend:tender", tender_id=tender_id)
    messages.success(
        request,
        _("Your delivery cost from %(place)s is %(cost)s; the buyer fixes it at admission.")
        % {
            "place": application.delivery_basis.get("from", ""),
            "cost": money(application.delivery_cost, application.lot.tender.currency),
        },
    )
    return redirect("frontend:tender", tender_id=application.lot.tender_id)
