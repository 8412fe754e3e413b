"""Writes and uses of a white-label brand (``PlatformBrand``): a dedicated platform's name,
logo, colours, e-mail sender, terms and footer on its own host names.

Who may do what: the platform's admins (and operator staff) edit the brand and its logo; only
staff bind host names to it (``brand_save(hosts=...)``), because a host name is the operator's
matter: its DNS, its TLS certificate and ``ALLOWED_HOSTS`` (docs/api/branding.md). A brand is
only for a dedicated platform. Every change raises ``version``, which names the generated
stylesheet and the logo's address, so browsers fetch the new ones at once.

``sender_for(platform)`` is the one place the From of a platform's e-mail comes from.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)

from .colours import COLOUR_FIELDS, colour_parse, palette_errors
from .hosts import MAX_HOSTS, host_normalise
from .logos import logo_check
from .models import BrandHost, PlatformBrand, PlatformKind, PlatformMembership
from .selectors import user_is_platform_admin
from .services import membership_apply

BRAND_FIELDS = (
    "display_name",
    *COLOUR_FIELDS,
    "sender_name",
    "sender_email",
    "terms",
    "footer_text",
    "footer_links",
)
MAX_TERMS = 20_000
MAX_FOOTER = 2_000
MAX_FOOTER_LINKS = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _require_admin(actor, platform) -> None:
    if not user_is_platform_admin(user=actor, platform=platform):
        raise PermissionDeniedError(
            _("Only this platform's admins may change its brand."), code="not_platform_admin"
        )


def _require_dedicated(platform) -> None:
    if platform.kind != PlatformKind.DEDICATED:
        raise ApplicationError(
            _("Only a platform dedicated to one client can have a brand of its own."),
            code="not_dedicated",
        )


# --- Checks ------------------------------------------------------------------------------------


def _line(value: object, *, field: str, limit: int, errors: dict, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("This is required.")]
    elif len(text) > limit:
        errors[field] = [_("At most %(limit)s characters.") % {"limit": limit}]
    elif _CONTROL.search(text):
        errors[field] = [_("Write this on one line.")]
    return text


def _text(value: object, *, field: str, limit: int, errors: dict) -> str:
    text = str(value or "").strip().replace("\r\n", "\n")
    if len(text) > limit:
        errors[field] = [_("At most %(limit)s characters.") % {"limit": limit}]
    return text


def _footer_links(value: object, errors: dict) -> list[dict]:
    """``[{"label", "url"}]``: a site path (``/terms/``) or an http(s) address each."""
    message = _(
        "Each footer link needs a label (60 characters at most) and an address: a path on "
        "this site (/terms/) or an http(s) address."
    )
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_FOOTER_LINKS:
        errors["footer_links"] = [
            _("Give at most %(n)s footer links.") % {"n": MAX_FOOTER_LINKS}
            if isinstance(value, list)
            else message
        ]
        return []
    links = []
    check_url = URLValidator(schemes=["http", "https"])
    for item in value:
        if not isinstance(item, dict):
            errors["footer_links"] = [message]
            return []
        label = str(item.get("label") or "").strip()
        url = str(item.get("url") or "").strip()
        ok = 0 < len(label) <= 60 and not _CONTROL.search(label) and 0 < len(url) <= 300
        if ok and url.startswith("/"):
            ok = not url.startswith("//") and not _CONTROL.search(url) and "\\" not in url
        elif ok:
            try:
                check_url(url)
            except DjangoValidationError:
                ok = False
        if not ok:
            errors["footer_links"] = [message]
            return []
        links.append({"label": label, "url": url})
    return links


def _sender_domains(brand: PlatformBrand) -> set[str]:
    domains = set(brand.hosts.values_list("host", flat=True)) if brand.pk else set()
    default = Address(addr_spec=_default_address()).domain if _default_address() else ""
    return domains | ({default.lower()} if default else set())


def _default_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _sender_email(brand: PlatformBrand, value: object, errors: dict) -> str:
    """An address on one of the brand's host names (or a domain above one), or on the
    operator's own sending domain: the ones whose mail the operator's provider may sign."""
    email = str(value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["sender_email"] = [_("Enter a valid e-mail address.")]
        return email
    local, _at, domain = email.rpartition("@")
    domain = domain.lower()
    allowed = _sender_domains(brand)
    if not any(domain == d or (d.endswith("." + domain) and "." in domain) for d in allowed):
        errors["sender_email"] = [
            _(
                "The sender's address must be on one of the brand's host names (or a domain "
                "above one) or on %(default)s, so that the mail can be signed for it."
            )
            % {"default": ", ".join(sorted(allowed)) or "-"}
        ]
    return f"{local}@{domain}"


def brand_errors(brand: PlatformBrand) -> dict[str, list[str]]:
    """Check (and tidy, in place) every field of ``brand``; the errors by field."""
    errors: dict[str, list[str]] = {}
    brand.display_name = _line(
        brand.display_name, field="display_name", limit=80, errors=errors, required=True
    )
    brand.sender_name = _line(brand.sender_name, field="sender_name", limit=80, errors=errors)
    brand.sender_email = _sender_email(brand, brand.sender_email, errors)
    brand.terms = _text(brand.terms, field="terms", limit=MAX_TERMS, errors=errors)
    brand.footer_text = _text(
        brand.footer_text, field="footer_text", limit=MAX_FOOTER, errors=errors
    )
    brand.footer_links = _footer_links(brand.footer_links, errors)
    colours = {field: getattr(brand, field) for field in COLOUR_FIELDS}
    colour_errors = palette_errors(colours)
    errors.update(colour_errors)
    if not colour_errors:
        for field in COLOUR_FIELDS:
            setattr(brand, field, colour_parse(colours[field]))
    return errors


def _refuse(errors: dict[str, list[str]]) -> ApplicationError:
    only_contrast = set(errors) <= set(COLOUR_FIELDS) and all(
        "4.5:1" in m for msgs in errors.values() for m in msgs
    )
    if only_contrast:
        return ApplicationError(
            _("Some colours are too close to read text on them (WCAG AA asks 4.5:1)."),
            code="low_contrast",
            fields=errors,
        )
    return ApplicationError(
        _("Some of the brand's settings are not valid."), code="invalid_brand", fields=errors
    )


# --- Writes ------------------------------------------------------------------------------------


def brand_save(*, actor, platform, hosts: list[str] | None = None, **fields) -> PlatformBrand:
    """Create ``platform``'s brand or change it (any of ``BRAND_FIELDS``), in one
    transaction; its admins and staff. A new brand starts from the platform's name and
    Tradefloor's colours. ``hosts`` (staff only) binds exactly these host names to it, each
    checked (``hosts.host_normalise``) and no other brand's."""
    _require_admin(actor, platform)
    _require_dedicated(platform)
    unknown = set(fields) - set(BRAND_FIELDS)
    if unknown:
        raise TypeError(f"brand_save() got unexpected fields: {sorted(unknown)}")
    wanted = None if hosts is None else _hosts_check(actor, hosts)
    try:
        with transaction.atomic():
            brand = PlatformBrand.objects.select_for_update().filter(platform=platform).first()
            creating = brand is None
            if brand is None:
                brand = PlatformBrand(platform=platform, display_name=platform.name)
            for field, value in fields.items():
                setattr(brand, field, value)
            if not creating:
                brand.version += 1
            brand.updated_by = actor if getattr(actor, "is_authenticated", False) else None
            if wanted is not None:
                if creating:
                    brand.save()  # the host names need its row; the checks below roll it back
                _hosts_write(brand, wanted)
            errors = brand_errors(brand)
            if errors:
                raise _refuse(errors)
            brand.save()
    except IntegrityError as exc:  # a concurrent save made the brand or took a host name
        raise ConflictError(
            _("The brand or one of its host names was changed meanwhile; load it again."),
            code="conflict",
        ) from exc
    return brand


def _hosts_check(actor, hosts: list[str]) -> list[str]:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDeniedError(
            _(
                "Only the marketplace operator's staff bind host names: each needs its DNS, "
                "TLS certificate and server settings."
            ),
            code="hosts_staff_only",
        )
    wanted: list[str] = []
    problems: list[str] = []
    for value in hosts:
        host, problem = host_normalise(value)
        if problem:
            problems.append(problem)
        elif host not in wanted:
            wanted.append(host)
    if len(wanted) > MAX_HOSTS:
        problems.append(_("A brand has at most %(n)s host names.") % {"n": MAX_HOSTS})
    if problems:
        raise ApplicationError(problems[0], code="invalid_host", fields={"hosts": problems})
    return wanted


def _hosts_write(brand: PlatformBrand, wanted: list[str]) -> None:
    """Exactly ``wanted`` bound to ``brand`` (inside the caller's transaction)."""
    taken = list(
        BrandHost.objects.filter(host__in=wanted)
        .exclude(brand=brand)
        .values_list("host", flat=True)
    )
    if taken:
        message = _("“%(host)s” is already another brand's host name.") % {"host": taken[0]}
        raise ConflictError(message, code="host_taken", fields={"hosts": [message]})
    brand.hosts.exclude(host__in=wanted).delete()
    have = set(brand.hosts.values_list("host", flat=True))
    BrandHost.objects.bulk_create([BrandHost(brand=brand, host=h) for h in wanted if h not in have])


def _logo_replace(brand: PlatformBrand, *, actor, logo=None) -> PlatformBrand:
    with transaction.atomic():
        locked = PlatformBrand.objects.select_for_update().get(pk=brand.pk)
        old = locked.logo.name if locked.logo else ""
        locked.version += 1
        if logo is None:
            locked.logo = ""
            locked.logo_content_type = ""
            locked.logo_width = locked.logo_height = None
        else:
            locked.logo.save(
                f"logo-{locked.version}.{logo.extension}", ContentFile(logo.content), save=False
            )
            locked.logo_content_type = logo.content_type
            locked.logo_width, locked.logo_height = logo.width, logo.height
        locked.updated_by = actor
        locked.save()
        if old and old != locked.logo.name:
            storage = locked.logo.storage
            transaction.on_commit(lambda: storage.delete(old))
    return locked


def brand_logo_set(*, actor, brand: PlatformBrand, file) -> PlatformBrand:
    """A new logo, checked and written again (``logos.logo_check``)."""
    _require_admin(actor, brand.platform)
    return _logo_replace(brand, actor=actor, logo=logo_check(file))


def brand_logo_remove(*, actor, brand: PlatformBrand) -> PlatformBrand:
    _require_admin(actor, brand.platform)
    return _logo_replace(brand, actor=actor)


# --- Uses --------------------------------------------------------------------------------------


def _brand_of(platform) -> PlatformBrand | None:
    if platform is None:
        return None
    platform_id = platform if isinstance(platform, int) else platform.pk
    return PlatformBrand.objects.filter(platform_id=platform_id).first()


def sender_for(platform) -> str:
    """The From of e-mail about ``platform``'s matters (a Platform, its id, or None): its
    brand's sender where it has one, else ``DEFAULT_FROM_EMAIL``."""
    brand = _brand_of(platform)
    if brand is None or not brand.sender_email:
        return settings.DEFAULT_FROM_EMAIL
    name = brand.sender_name or brand.display_name
    return str(Address(display_name=name, addr_spec=brand.sender_email))


def site_url_for(platform) -> str:
    """The address people reach ``platform``'s pages at: its brand's first host name with
    ``SITE_URL``'s scheme and port, else ``SITE_URL``."""
    brand = _brand_of(platform)
    host = brand.hosts.values_list("host", flat=True).first() if brand else None
    if not host:
        return settings.SITE_URL
    site = urlsplit(settings.SITE_URL)
    port = f":{site.port}" if site.port else ""
    return f"{site.scheme or 'https'}://{host}{port}"


def brand_onboarding_apply(*, actor, platform, company) -> PlatformMembership | None:
    """A company registered on a brand's host applies to that platform (its admins decide).
    None when it may not (it has a participation there already, or the platform is closed):
    the company stays registered either way."""
    try:
        return membership_apply(
            actor=actor,
            platform=platform,
            company=company,
            message=_("Registered on the platform's own site."),
        )
    except ApplicationError:  # applied before, a participant already, or the platform closed
        return None
