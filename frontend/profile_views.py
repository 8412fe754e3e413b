"""My profile: name, phone, language and time zone (``marketplace.users.services``), with links to
how I am told of things (notification settings) and my API token's documentation.

The language chosen here is the pages' from then on (the language cookie is set with it); the
time zone is the one the pages show times in (``marketplace.users.middleware``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from marketplace.core.exceptions import ApplicationError
from marketplace.users.models import LANGUAGE_CHOICES, time_zone_choices
from marketplace.users.services import user_update_profile

from .onboarding_forms import add_service_error


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES)
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy("The pages show every time in it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()


@login_required
@require_http_methods(["GET", "POST"])
def profile_page(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={k: getattr(user, k) for k in ("full_name", "phone", "language", "time_zone")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=user, data=form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            response = redirect("frontend:profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "frontend/profile.html", {"form": form}, status=status)
