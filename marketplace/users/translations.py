"""Words of other packages' pages that their own catalogues leave untranslated, translated in ours.

Django merges the catalogues with ours first (``LOCALE_PATHS``), then the apps in the order of
``INSTALLED_APPS``: ``django.contrib.auth``'s Ukrainian catalogue "translates" allauth's "Email"
label as "Email", which won over allauth's own, so the log-in, sign-up and password-reset pages
said "Email:" in Ukrainian. Marked here so ``makemessages`` keeps them in our catalogues."""

from django.utils.translation import gettext_noop

ALLAUTH_WORDS = (
    gettext_noop("Email"),  # the e-mail field's label on allauth's forms
)
