"""Reads for document templates and generated documents, and what fills a template: the
placeholders each source offers (``PLACEHOLDERS``) and the plain-value context built from an
account, a contact, an opportunity or a deal (``document_context``).

Every read is scoped to one workspace; a row of another answers 404, as its workspace does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auctions.models import Deal
from marketplace.companies.models import Company
from marketplace.core.exceptions import NotFoundError

from .access import workspace_require
from .models import (
    Account,
    Contact,
    CustomField,
    DocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
    Opportunity,
    TemplateKind,
)

# --- Formatting: every value a template sees is text, the same in the PDF and the DOCX -------


def money_text(value: Decimal | None) -> str:
    """``12 500,00`` (uk, ru) or ``12,500.00`` (en): in the active language."""
    if value is None:
        return ""
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def date_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def person_name(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


# --- The placeholders --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise
    example: str


_COMPANY = [
    Field("name", gettext_lazy("Legal name"), "ТОВ «Приклад»"),
    Field("tax_id", gettext_lazy("Tax identifier"), "UA12345678"),
    Field("registration_number", gettext_lazy("Registration number (EDRPOU)"), "12345678"),
    Field("country", gettext_lazy("Country (ISO code)"), "UA"),
    Field("address", gettext_lazy("Address"), "вул. Хрещатик, 1"),
    Field("city", gettext_lazy("City"), "Київ"),
    Field("postal_code", gettext_lazy("Postal code"), "01001"),
    Field("email", gettext_lazy("E-mail"), "office@example.com"),
    Field("phone", gettext_lazy("Phone"), "+380441234567"),
    Field("website", gettext_lazy("Website"), "https://example.com"),
]
_ACCOUNT = [
    Field("name", gettext_lazy("Name"), "ТОВ «Покупець»"),
    Field("tax_id", gettext_lazy("Tax identifier"), "UA87654321"),
    Field("registration_number", gettext_lazy("Registration number"), "87654321"),
    Field("country", gettext_lazy("Country (ISO code)"), "UA"),
    Field("address", gettext_lazy("Address"), "вул. Січових Стрільців, 5"),
    Field("city", gettext_lazy("City"), "Львів"),
    Field("email", gettext_lazy("E-mail"), "buyer@example.com"),
    Field("phone", gettext_lazy("Phone"), "+380322000000"),
    Field("website", gettext_lazy("Website"), "https://buyer.example.com"),
    Field("owner", gettext_lazy("Account owner"), "Олена Коваль"),
    Field("segment", gettext_lazy("Segment"), "Customer"),
]
_CONTACT = [
    Field("full_name", gettext_lazy("Full name"), "Іван Петренко"),
    Field("first_name", gettext_lazy("First name"), "Іван"),
    Field("last_name", gettext_lazy("Last name"), "Петренко"),
    Field("position", gettext_lazy("Position"), "Директор"),
    Field("email", gettext_lazy("E-mail (the first)"), "ivan@example.com"),
    Field("phone", gettext_lazy("Phone (the first)"), "+380501234567"),
    Field("language", gettext_lazy("Language"), "uk"),
]
_OPPORTUNITY = [
    Field("title", gettext_lazy("Title"), "Постачання дизельного пального"),
    Field("amount", gettext_lazy("Amount, formatted"), "125 000,00"),
    Field("amount_value", gettext_lazy("Amount, plain number"), "125000.00"),
    Field("currency", gettext_lazy("Currency"), "UAH"),
    Field("probability", gettext_lazy("Probability, %"), "60"),
    Field("expected_close", gettext_lazy("Expected close date"), "31.03.2026"),
    Field("stage", gettext_lazy("Stage"), "Proposal"),
    Field("pipeline", gettext_lazy("Pipeline"), "Sales"),
    Field("owner", gettext_lazy("Owner"), "Олена Коваль"),
]
_DEAL = [
    Field("number", gettext_lazy("Deal number"), "42"),
    Field("tender_id", gettext_lazy("Tender number"), "17"),
    Field("tender_title", gettext_lazy("Tender"), "Пальне на зиму"),
    Field("lot_number", gettext_lazy("Lot number"), "1"),
    Field("lot_title", gettext_lazy("Lot (item)"), "Дизельне пальне EN 590"),
    Field("quantity", gettext_lazy("Quantity"), "100"),
    Field("unit", gettext_lazy("Unit"), "т"),
    Field("price", gettext_lazy("Awarded price (the lot's total), formatted"), "98 000,00"),
    Field("price_value", gettext_lazy("Awarded price, plain number"), "98000.00"),
    Field("unit_price", gettext_lazy("Price per unit, formatted"), "980,00"),
    Field("currency", gettext_lazy("Currency"), "UAH"),
    Field("delivery_place", gettext_lazy("Delivery place"), "Київ"),
    Field("delivery_date", gettext_lazy("Delivery date"), "15.04.2026"),
    Field("incoterms", gettext_lazy("Incoterms"), "DAP"),
    Field("awarded_at", gettext_lazy("Award date"), "20.03.2026"),
    Field("status", gettext_lazy("Status"), "Awarded"),
]
_DOCUMENT = [
    Field("number", gettext_lazy("Document number"), "OFFER-2026-0001"),
    Field("date", gettext_lazy("Document date"), "12.03.2026"),
    Field("kind", gettext_lazy("Kind of document"), "Commercial offer"),
    Field("title", gettext_lazy("Template name"), "Стандартна пропозиція"),
]
_AUTHOR = [
    Field("full_name", gettext_lazy("Full name"), "Олена Коваль"),
    Field("email", gettext_lazy("E-mail"), "olena@example.com"),
]


@dataclass(frozen=True)
class Source:
    key: str
    label: Promise
    fields: list[Field]
    description: Promise


SOURCES = [
    Source(
        "workspace",
        gettext_lazy("Your company"),
        _COMPANY,
        gettext_lazy("The company whose CRM this is: always filled."),
    ),
    Source(
        "account",
        gettext_lazy("Account"),
        _ACCOUNT,
        gettext_lazy(
            "The counterparty the document is for: always filled. Custom fields: "
            "account.custom.<key>."
        ),
    ),
    Source(
        "contact",
        gettext_lazy("Contact"),
        _CONTACT,
        gettext_lazy("A person at the account, when one is chosen (else empty)."),
    ),
    Source(
        "opportunity",
        gettext_lazy("Opportunity"),
        _OPPORTUNITY,
        gettext_lazy("An opportunity with the account, when one is chosen (else empty)."),
    ),
    Source(
        "deal",
        gettext_lazy("Deal"),
        [
            *_DEAL,
            *[Field(f"buyer.{f.key}", gettext_lazy("Buyer"), f.example) for f in _COMPANY],
            *[Field(f"supplier.{f.key}", gettext_lazy("Supplier"), f.example) for f in _COMPANY],
        ],
        gettext_lazy(
            "An auction's deal your company is the buyer or the supplier of, when one is "
            "chosen (else empty)."
        ),
    ),
    Source(
        "document",
        gettext_lazy("Document"),
        _DOCUMENT,
        gettext_lazy("The document being made: always filled."),
    ),
    Source(
        "author",
        gettext_lazy("Author"),
        _AUTHOR,
        gettext_lazy("The person making the document: always filled."),
    ),
]

CUSTOM_SOURCES = {
    "account": CustomField.Entity.ACCOUNT,
    "contact": CustomField.Entity.CONTACT,
    "opportunity": CustomField.Entity.OPPORTUNITY,
}


def placeholder_list(*, user, workspace_id: int) -> list[dict]:
    """Every placeholder a template of the workspace may use, per source, with an example;
    the workspace's custom fields of accounts, contacts and opportunities included."""
    workspace_require(user=user, workspace_id=workspace_id)
    custom: dict[str, list[CustomField]] = {}
    for field in CustomField.objects.filter(workspace_id=workspace_id).order_by("key"):
        custom.setdefault(field.entity, []).append(field)
    out = []
    for source in SOURCES:
        rows = [
            {
                "key": f"{source.key}.{f.key}",
                "placeholder": f"{{{{ {source.key}.{f.key} }}}}",
                "label": str(f.label),
                "example": f.example,
            }
            for f in source.fields
        ]
        for field in custom.get(CUSTOM_SOURCES.get(source.key, ""), []):
            key = f"{source.key}.custom.{field.key}"
            rows.append(
                {
                    "key": key,
                    "placeholder": f"{{{{ {key} }}}}",
                    "label": field.label,
                    "example": "",
                }
            )
        out.append(
            {
                "source": source.key,
                "label": str(source.label),
                "description": str(source.description),
                "placeholders": rows,
            }
        )
    return out


# --- The context -----------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def _custom(values: dict) -> dict:
    return {str(k): _text(v) if not isinstance(v, bool) else v for k, v in (values or {}).items()}


def _company_block(company: Company | None) -> dict:
    if company is None:
        return {}
    return {
        "name": company.legal_name,
        "tax_id": company.tax_id,
        "registration_number": company.registration_number,
        "country": company.country,
        "address": company.address,
        "city": company.city,
        "postal_code": company.postal_code,
        "email": company.email,
        "phone": company.phone,
        "website": company.website,
    }


def _account_block(account: Account) -> dict:
    return {
        "name": account.name,
        "tax_id": account.tax_id,
        "registration_number": account.registration_number,
        "country": account.country,
        "address": account.address,
        "city": account.city,
        "email": account.email,
        "phone": account.phone,
        "website": account.website,
        "owner": person_name(account.owner),
        "segment": str(account.get_segment_display()),
        "custom": _custom(account.custom),
    }


def _contact_block(contact: Contact | None) -> dict:
    if contact is None:
        return {}
    emails = [str(e) for e in contact.emails or []]
    phones = [str(p) for p in contact.phones or []]
    return {
        "full_name": str(contact),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "position": contact.position,
        "email": emails[0] if emails else "",
        "phone": phones[0] if phones else "",
        "emails": emails,
        "phones": phones,
        "language": contact.language,
        "custom": _custom(contact.custom),
    }


def _opportunity_block(opportunity: Opportunity | None) -> dict:
    if opportunity is None:
        return {}
    probability = opportunity.probability
    if probability is None:
        probability = opportunity.stage.probability
    return {
        "title": opportunity.title,
        "amount": money_text(opportunity.amount),
        "amount_value": _text(opportunity.amount),
        "currency": opportunity.currency,
        "probability": str(probability),
        "expected_close": date_text(opportunity.expected_close),
        "stage": opportunity.stage.name,
        "pipeline": opportunity.pipeline.name,
        "owner": person_name(opportunity.owner),
        "custom": _custom(opportunity.custom),
    }


def _deal_block(deal: Deal | None) -> dict:
    if deal is None:
        return {}
    lot = deal.lot
    unit_price = (deal.price / deal.quantity) if deal.quantity else None
    delivery = (deal.terms or {}).get("delivery_date")
    return {
        "number": str(deal.pk),
        "tender_id": str(lot.tender_id),
        "tender_title": lot.tender.title,
        "lot_number": str(lot.number),
        "lot_title": lot.title,
        "quantity": formats.number_format(deal.quantity.normalize(), use_l10n=True),
        "unit": deal.unit,
        "price": money_text(deal.price),
        "price_value": _text(deal.price),
        "unit_price": money_text(unit_price),
        "currency": deal.currency,
        "delivery_place": _text((deal.terms or {}).get("delivery_place")),
        "delivery_date": date_text(date.fromisoformat(delivery)) if delivery else "",
        "incoterms": _text((deal.terms or {}).get("incoterms")),
        "awarded_at": date_text(deal.award.awarded_at),
        "status": str(deal.get_status_display()),
        "buyer": _company_block(deal.buyer),
        "supplier": _company_block(deal.supplier),
    }


def document_context(
    *,
    workspace: Company,
    account: Account,
    contact: Contact | None,
    opportunity: Opportunity | None,
    deal: Deal | None,
    number: str,
    kind: str,
    template_name: str,
    author,
    language: str,
    today: date | None = None,
) -> dict:
    """The plain-value context a template is filled from, its texts formatted in ``language``
    (the template's). A source not chosen is an empty dict: its placeholders print nothing."""
    with translation.override(language):
        return {
            "workspace": _company_block(workspace),
            "account": _account_block(account),
            "contact": _contact_block(contact),
            "opportunity": _opportunity_block(opportunity),
            "deal": _deal_block(deal),
            "document": {
                "number": number,
                "date": date_text(today or timezone.localdate()),
                "kind": str(TemplateKind(kind).label),
                "title": template_name,
            },
            "author": {"full_name": person_name(author), "email": getattr(author, "email", "")},
        }


def _nest(fields: list[Field]) -> dict:
    out: dict = {}
    for f in fields:
        head, _sep, tail = f.key.partition(".")
        if tail:
            out.setdefault(head, {})[tail] = f.example
        else:
            out[head] = f.example
    return out


def example_context() -> dict:
    """Every placeholder filled with its example: for previews and for checking a template."""
    context = {source.key: _nest(source.fields) for source in SOURCES}
    for key in CUSTOM_SOURCES:
        context[key]["custom"] = {}
    context["contact"].update(emails=[context["contact"]["email"]], phones=[])
    return context


# --- Rows ------------------------------------------------------------------------------------


def template_list(
    *, user, workspace_id: int, kind: str | None = None, active: bool | None = None
) -> QuerySet[DocumentTemplate]:
    workspace_require(user=user, workspace_id=workspace_id)
    qs = DocumentTemplate.objects.filter(workspace_id=workspace_id)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("name", "pk")


def template_find(*, workspace_id: int, template_id: int) -> DocumentTemplate:
    """The workspace's template (no access check: the caller has made it)."""
    template = DocumentTemplate.objects.filter(workspace_id=workspace_id, pk=template_id).first()
    if template is None:
        raise NotFoundError(_("No such document template."), code="template_not_found")
    return template


def template_get(*, user, workspace_id: int, template_id: int) -> DocumentTemplate:
    workspace_require(user=user, workspace_id=workspace_id)
    return template_find(workspace_id=workspace_id, template_id=template_id)


def template_latest_version(*, template: DocumentTemplate) -> DocumentTemplateVersion | None:
    return template.versions.order_by("-version").first()


def version_list(*, user, workspace_id: int, template_id: int) -> QuerySet[DocumentTemplateVersion]:
    template = template_get(user=user, workspace_id=workspace_id, template_id=template_id)
    return template.versions.select_related("created_by").order_by("-version")


def version_get(
    *, user, workspace_id: int, template_id: int, version_id: int
) -> DocumentTemplateVersion:
    template = template_get(user=user, workspace_id=workspace_id, template_id=template_id)
    version = (
        template.versions.select_related("template", "created_by").filter(pk=version_id).first()
    )
    if version is None:
        raise NotFoundError(_("No such template version."), code="version_not_found")
    return version


def document_list(
    *,
    user,
    workspace_id: int,
    account_id: int | None = None,
    opportunity_id: int | None = None,
    kind: str | None = None,
) -> QuerySet[GeneratedDocument]:
    workspace_require(user=user, workspace_id=workspace_id)
    qs = GeneratedDocument.objects.filter(workspace_id=workspace_id)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if opportunity_id:
        qs = qs.filter(opportunity_id=opportunity_id)
    if kind:
        qs = qs.filter(template_version__template__kind=kind)
    return qs.select_related(
        "template_version__template", "account", "contact", "opportunity", "created_by"
    ).order_by("-created_at", "-pk")


def document_get(*, user, workspace_id: int, document_id: int) -> GeneratedDocument:
    document = document_list(user=user, workspace_id=workspace_id).filter(pk=document_id).first()
    if document is None:
        raise NotFoundError(_("No such document."), code="document_not_found")
    return document


def deal_find(*, workspace_id: int, deal_id: int) -> Deal:
    """A deal the workspace's company is the buyer or the supplier of; any other: 404."""
    deal = (
        Deal.objects.filter(pk=deal_id)
        .filter(Q(buyer_id=workspace_id) | Q(supplier_id=workspace_id))
        .select_related("lot__tender", "award", "buyer", "supplier")
        .first()
    )
    if deal is None:
        raise NotFoundError(_("No such deal."), code="deal_not_found")
    return deal


def deal_counterparty_id(*, deal: Deal, workspace_id: int) -> int:
    return deal.supplier_id if deal.buyer_id == workspace_id else deal.buyer_id
