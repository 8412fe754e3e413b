"""The CRM's contact pages: the list (search, exports), a contact (details, phones, e-mails,
consent, custom fields, open activities, its timeline), adding one to an account, changing and
deleting it. Thin views as in ``crm_views`` (its workspace check, forms and timeline)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import account_selectors as selectors
from crm import accounts as account_services
from crm.activity_selectors import ActivityFilter, activity_list
from crm.models import TimelineKind
from crm.timeline_selectors import timeline_for_contact
from marketplace.core.exceptions import ApplicationError, NotFoundError

from .crm_forms import LANGUAGE_CHOICES, ContactForm, add_crm_error
from .crm_views import (
    PER_PAGE,
    TIMELINE_PAGE,
    Workspace,
    activity_rows,
    crm_page,
    crm_render,
    kind_param,
    query_without,
    timeline_context,
    timeline_fragment,
)

# --- Contacts --------------------------------------------------------------------------------


def _contact_definitions(request, ws: Workspace):
    return selectors.custom_field_list(user=request.user, workspace_id=ws.id, entity="contact")


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def contact_create_page(request, ws: Workspace, account_id: int):
    account = selectors.account_get(user=request.user, workspace_id=ws.id, account_id=account_id)
    definitions = _contact_definitions(request, ws)
    form = ContactForm(request.POST or None, custom_fields=definitions)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contact = account_services.contact_create(
                    actor=request.user,
                    workspace_id=ws.id,
                    account_id=account.pk,
                    **form.service_fields(),
                )
            except NotFoundError:
                raise
            except ApplicationError as exc:
                add_crm_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("%(name)s is added.") % {"name": str(contact)})
                return redirect("frontend:crm-account", ws.id, account.pk)
    return crm_render(
        request,
        ws,
        "frontend/crm/contact_form.html",
        {"form": form, "account": account},
        status=status,
    )


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def contact_edit_page(request, ws: Workspace, contact_id: int):
    contact = selectors.contact_get(user=request.user, workspace_id=ws.id, contact_id=contact_id)
    definitions = _contact_definitions(request, ws)
    if request.method == "GET":
        form = ContactForm(
            initial=ContactForm.initial_for(contact, definitions), custom_fields=definitions
        )
        return crm_render(
            request,
            ws,
            "frontend/crm/contact_form.html",
            {"form": form, "account": contact.account, "contact": contact},
        )
    form = ContactForm(request.POST, custom_fields=definitions)
    status = 400
    if form.is_valid():
        try:
            account_services.contact_update(
                actor=request.user,
                workspace_id=ws.id,
                contact_id=contact.pk,
                changes=form.service_fields(),
            )
        except NotFoundError:
            raise
        except ApplicationError as exc:
            add_crm_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("frontend:crm-contact", ws.id, contact.pk)
    return crm_render(
        request,
        ws,
        "frontend/crm/contact_form.html",
        {"form": form, "account": contact.account, "contact": contact},
        status=status,
    )


@crm_page(edit=True)
@require_POST
def contact_delete_page(request, ws: Workspace, contact_id: int):
    contact = selectors.contact_get(user=request.user, workspace_id=ws.id, contact_id=contact_id)
    account_services.contact_delete(actor=request.user, workspace_id=ws.id, contact_id=contact.pk)
    messages.success(request, _("%(name)s is deleted.") % {"name": str(contact)})
    return redirect("frontend:crm-account", ws.id, contact.account_id)


@crm_page()
@require_GET
def contact_list_page(request, ws: Workspace):
    q = (request.GET.get("q") or "").strip()[:200]
    contacts = selectors.contact_list(user=request.user, workspace_id=ws.id, q=q)
    page = Paginator(contacts, PER_PAGE).get_page(request.GET.get("page"))
    return crm_render(
        request,
        ws,
        "frontend/crm/contacts.html",
        {
            "q": q,
            "page": page,
            "contacts": page.object_list,
            "export_query": query_without(request, "page"),
        },
    )


@crm_page()
@require_GET
def contact_page(request, ws: Workspace, contact_id: int):
    """A contact: details, phones, e-mails, consent, custom fields, activities and timeline."""
    contact = selectors.contact_get(user=request.user, workspace_id=ws.id, contact_id=contact_id)
    definitions = _contact_definitions(request, ws)
    custom = [
        (d.label, contact.custom.get(d.key)) for d in definitions if d.key in (contact.custom or {})
    ]
    kind = kind_param(request)
    page = timeline_for_contact(
        user=request.user,
        workspace_id=ws.id,
        contact_id=contact.pk,
        kinds=[kind] if kind else None,
        limit=TIMELINE_PAGE,
    )
    url = reverse("frontend:crm-contact-timeline", args=[ws.id, contact.pk])
    activities = activity_list(
        user=request.user,
        workspace_id=ws.id,
        filters=ActivityFilter(contact_id=contact.pk, done=False),
    )
    return crm_render(
        request,
        ws,
        "frontend/crm/contact.html",
        {
            "contact": contact,
            "custom": custom,
            "language": dict(LANGUAGE_CHOICES).get(contact.language, "")
            if contact.language
            else "",
            "activities": activity_rows(request, ws, activities[:50]),
            "timeline": timeline_context(ws, page, url=url, kind=kind),
            "timeline_url": url,
            "timeline_kind": kind,
            "timeline_kinds": TimelineKind.choices,
        },
    )


@crm_page()
@require_GET
def contact_timeline(request, ws: Workspace, contact_id: int):
    def read(**kwargs):
        return timeline_for_contact(
            user=request.user,
            workspace_id=ws.id,
            contact_id=contact_id,
            limit=TIMELINE_PAGE,
            **kwargs,
        )

    url = reverse("frontend:crm-contact-timeline", args=[ws.id, contact_id])
    return timeline_fragment(request, ws, read, url)
