"""What a platform's admins set for translation on order: who translates for the platform
(granted, revoked) and its rates per language pair. Only the platform's admins
(``platforms.selectors.user_is_platform_admin``; operator staff for every platform): anyone
else gets 404 for the platform (``selectors.platform_get_administered``).

Revoking a translator takes the platform's orders away from it at once: it no longer sees the
queue nor the orders it took (an order it took and had not delivered stays with it, waiting;
the platform's admins see it in the platform's list)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from marketplace.core.models import CURRENCIES

from . import selectors
from .models import Language, PlatformTranslator, TranslationRate

CURRENCY_CODES = {code for code, _label in CURRENCIES}


def _invalid(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


def translator_grant(
    *, actor, platform_id: int, email: str, now: datetime | None = None
) -> PlatformTranslator:
    """Name the person registered with ``email`` a translator of the platform."""
    platform = selectors.platform_get_administered(user=actor, platform_id=platform_id)
    user = get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not user.is_active:
        message = (
            _("Nobody is registered with this e-mail address.")
            if user is None
            else _("This person's account is deactivated.")
        )
        raise _invalid("email", message, "user_not_found" if user is None else "user_inactive")
    taken = _("This person already translates for the platform.")
    try:
        with transaction.atomic():
            if PlatformTranslator.objects.filter(
                platform=platform, user=user, revoked_at__isnull=True
            ).exists():
                raise ConflictError(taken, code="already_translator")
            return PlatformTranslator.objects.create(
                platform=platform, user=user, granted_by=actor, granted_at=now or timezone.now()
            )
    except IntegrityError as exc:
        raise ConflictError(taken, code="already_translator") from exc


def translator_revoke(
    *, actor, platform_id: int, user_id: int, now: datetime | None = None
) -> PlatformTranslator:
    platform = selectors.platform_get_administered(user=actor, platform_id=platform_id)
    with transaction.atomic():
        grant = (
            PlatformTranslator.objects.select_for_update()
            .filter(platform=platform, user_id=user_id, revoked_at__isnull=True)
            .first()
        )
        if grant is None:
            raise NotFoundError(
                _("This person does not translate for the platform."), code="not_a_translator"
            )
        grant.revoked_at = now or timezone.now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant


def _amount(value, *, field: str, places: int, positive: bool) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("Enter an amount, such as 0.15.")) from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise _invalid(
            field,
            _("The amount must be greater than zero.")
            if positive
            else _("The amount cannot be negative."),
        )
    if isinstance(exponent, int) and -exponent > places:
        raise _invalid(field, _("At most %(n)s decimal places.") % {"n": places})
    if amount >= Decimal(10) ** (16 if places == 2 else 6):
        raise _invalid(field, _("The amount is too large."))
    return amount


def rate_set(
    *,
    actor,
    platform_id: int,
    source_language: str,
    target_language: str,
    price_per_word,
    currency: str,
    minimum_fee=0,
) -> TranslationRate:
    """Set (make or change) the platform's rate for a language pair. A change applies to the
    quotes made from now on; an order quoted already keeps its fee."""
    platform = selectors.platform_get_administered(user=actor, platform_id=platform_id)
    if source_language not in Language.values:
        raise _invalid("source_language", _("Choose Ukrainian, Russian or English."))
    if target_language not in Language.values:
        raise _invalid("target_language", _("Choose Ukrainian, Russian or English."))
    if source_language == target_language:
        raise _invalid(
            "target_language", _("A rate is for two different languages."), "same_language"
        )
    price = _amount(price_per_word, field="price_per_word", places=4, positive=True)
    minimum = _amount(minimum_fee or 0, field="minimum_fee", places=2, positive=False)
    code = str(currency or "").strip().upper()
    if code not in CURRENCY_CODES:
        raise _invalid("currency", _("Choose one of the currencies the marketplace trades in."))
    with transaction.atomic():
        rate, _made = TranslationRate.objects.update_or_create(
            platform=platform,
            source_language=source_language,
            target_language=target_language,
            defaults={
                "price_per_word": price,
                "currency": code,
                "minimum_fee": minimum,
                "updated_by": actor,
            },
        )
    return rate


def rate_delete(*, actor, platform_id: int, rate_id: int) -> None:
    platform = selectors.platform_get_administered(user=actor, platform_id=platform_id)
    deleted, _count = TranslationRate.objects.filter(platform=platform, pk=rate_id).delete()
    if not deleted:
        raise NotFoundError(_("No such rate."), code="rate_not_found")
