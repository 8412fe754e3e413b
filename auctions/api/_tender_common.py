"""What the tender API modules share: the OpenAPI error responses, and finding the objects a
request names (a platform, category or company by id; the supplier company the user acts for)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse

from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ApplicationError, PermissionDeniedError
from marketplace.core.serializers import ErrorResponseSerializer

from ..tenders import selectors

TAGS = ["tenders"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not allowed for your role"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with the current state"))


def lookup(model, pk, *, field: str, code: str, message: str):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ApplicationError(message, code=code, fields={field: [message]})
    return obj


def acting_company(request, company_id: int | None, *, field: str) -> Company:
    """The supplier company the user acts for: the one named, or the only one the user may
    act for as a supplier."""
    roles = selectors.SUPPLIER_ACTOR_ROLES
    if company_id is not None:
        if company_id not in user_company_ids(user=request.user):
            message = _("You are not a member of this company.")
            raise PermissionDeniedError(message, code="not_company_member")
        return Company.objects.get(pk=company_id)
    candidates = Company.objects.filter(
        pk__in=user_company_ids(user=request.user, roles=roles), is_supplier=True
    )
    if candidates.count() != 1:
        if not candidates:
            raise PermissionDeniedError(
                _("Only a supplier's company admins and bidders may do this."),
                code="not_supplier_bidder",
            )
        message = _("You act for several suppliers: name the company.")
        raise ApplicationError(message, code="company_required", fields={field: [message]})
    return candidates.get()
