"""The sign-up form's own fields, beside allauth's e-mail and passwords
(``ACCOUNT_SIGNUP_FORM_CLASS``): the person's name, and the language the page was read in."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import LANGUAGE_CHOICES


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Full name")}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        """allauth calls this as it saves the new person."""
        user.full_name = self.cleaned_data["full_name"].strip()
        language = (get_language() or "en")[:2]
        if language in dict(LANGUAGE_CHOICES):
            user.language = language
        user.save(update_fields=["full_name", "language"])
