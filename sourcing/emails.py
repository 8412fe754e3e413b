"""The e-mail a prospect gets: who invites its company to which tender, and the link to sign up
and register the company (the registration form filled with what the buyer gave). Sent once,
after the commit that made the invitation (``tasks.send_prospect_email``), in the inviting
person's language. From the tender's platform's brand sender, the link on its host
(``marketplace.platforms.branding``): sign-up there joins that platform's onboarding."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from auctions.models import Participation
from marketplace.platforms.branding import sender_for, site_url_for

from .identifiers import identifier_field
from .models import Origin, SupplierInvitation


def signup_url(invitation: SupplierInvitation) -> str:
    """Sign up, then the company's registration with its country, identifier and name filled
    in (``/companies/new/?...``)."""
    field = identifier_field(invitation.country)
    params = {"country": invitation.country, field: invitation.identifier}
    if invitation.company_name:
        params["legal_name"] = invitation.company_name
    params["is_supplier"] = "on"
    register = f"{reverse('frontend:company-register')}?{urlencode(params)}"
    signup = f"{reverse('account_signup')}?{urlencode({'next': register})}"
    site = site_url_for(invitation.tender.platform_id)
    return f"{site.rstrip('/')}{signup}"


def prospect_email_send(*, invitation_id: int) -> bool:
    """E-mail the prospect once (the row is locked and stamped). True if it was sent."""
    with transaction.atomic():
        invitation = (
            SupplierInvitation.objects.select_for_update(of=("self",))
            .select_related("tender__buyer", "invited_by")
            .filter(pk=invitation_id, origin=Origin.PROSPECT, email_sent_at__isnull=True)
            .first()
        )
        if invitation is None or not invitation.email:
            return False
        tender = invitation.tender
        context = {
            "invitation": invitation,
            "tender": tender,
            "buyer": tender.buyer,
            "invitation_only": tender.participation == Participation.INVITATION,
            "signup_url": signup_url(invitation),
        }
        with translation.override(invitation.language or settings.LANGUAGE_CODE):
            subject = render_to_string("sourcing/email/prospect_subject.txt", context).strip()
            body = render_to_string("sourcing/email/prospect_message.txt", context)
        send_mail(subject, body, sender_for(tender.platform_id), [invitation.email])
        invitation.email_sent_at = timezone.now()
        invitation.save(update_fields=["email_sent_at"])
    return True
