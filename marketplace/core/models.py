"""Shared model pieces."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# ISO 4217 codes accepted for prices and platforms; extend as platforms need.
CURRENCIES = [
    ("UAH", _("Ukrainian hryvnia")),
    ("RUB", _("Russian rouble")),
    ("EUR", _("Euro")),
    ("USD", _("US dollar")),
    ("PLN", _("Polish złoty")),
    ("GBP", _("Pound sterling")),
    ("KZT", _("Kazakhstani tenge")),
]
MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 2


class CurrencyField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("choices", CURRENCIES)
        super().__init__(*args, **kwargs)


class MoneyAmountField(models.DecimalField):
    """A money amount; its currency lives in a sibling CurrencyField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


def validate_positive_amount(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("The amount must be greater than zero."), code="not_positive")


class ImmutableModel(models.Model):
    """A row that may be written once and never changed or deleted (audit records).

    The ORM refuses updates and deletes; on PostgreSQL a trigger (see
    ``marketplace.core.db.immutable_trigger_sql``) refuses them in the database too.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("This record cannot be changed."), code="immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("This record cannot be deleted."), code="immutable")
