"""Writes about people: their profile and their API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from marketplace.core.exceptions import ApplicationError

from .models import User

PROFILE_FIELDS = ("full_name", "phone", "language", "time_zone")


def user_update_profile(*, user: User, data: dict) -> User:
    """Change the editable parts of a person's profile (full name, phone, language, time zone)."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    with transaction.atomic():
        for field, value in data.items():
            setattr(user, field, value.strip() if isinstance(value, str) else value)
        user.full_clean(exclude=["password", "email"])
        user.save(update_fields=list(data))
    return user


def _email_is_verified(user: User) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def auth_token_obtain(*, request, email: str, password: str) -> Token:
    """The API token of the person with ``email`` and ``password`` (made on first use).

    Refuses wrong credentials and inactive accounts alike; when e-mail verification is
    mandatory, an unverified address too.
    """
    user = authenticate(request, email=(email or "").strip().lower(), password=password)
    if user is None or not user.is_active:
        raise ApplicationError(
            _("The e-mail address or the password is not correct."),
            code="invalid_credentials",
        )
    if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not _email_is_verified(user):
        raise ApplicationError(
            _("Confirm your e-mail address first: follow the link in the e-mail we sent you."),
            code="email_not_verified",
        )
    token, _created = Token.objects.get_or_create(user=user)
    return token


def auth_token_revoke(*, user: User) -> bool:
    """Delete ``user``'s API token; True if there was one."""
    deleted, _details = Token.objects.filter(user=user).delete()
    return bool(deleted)
