"""Admin site: platforms with their admins; participations decided through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.exceptions import ApplicationError

from . import services
from .models import Platform, PlatformAdmin, PlatformMembership, PlatformMembershipEvent


class PlatformAdminInline(admin.TabularInline):
    model = PlatformAdmin
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Platform)
class PlatformModelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "owner", "default_currency", "is_active"]
    list_filter = ["kind", "is_active", "default_currency"]
    search_fields = ["name", "slug", "owner__legal_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["owner"]
    inlines = [PlatformAdminInline]


class ParticipationEventInline(admin.TabularInline):
    model = PlatformMembershipEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "status_before", "status_after", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text=gettext_lazy("The companies see it. Required to refuse or suspend."),
    )


def _decision_action(service, label):
    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = DecisionForm(request.POST)
            if form.is_valid():
                done = 0
                for membership in queryset:
                    try:
                        service(
                            actor=request.user,
                            membership=membership,
                            reason=form.cleaned_data["reason"],
                        )
                        done += 1
                    except ApplicationError as exc:
                        modeladmin.message_user(
                            request, f"{membership}: {exc.message}", level=messages.ERROR
                        )
                if done:
                    modeladmin.message_user(
                        request,
                        _("%(count)d participation(s): %(action)s.")
                        % {"count": done, "action": label},
                        level=messages.SUCCESS,
                    )
                return None
        else:
            form = DecisionForm()
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": label,
            "form": form,
            "queryset": queryset,
            "action_name": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/platforms/participation_decision.html", context)

    action.short_description = label
    action.__name__ = f"decide_{service.__name__}"
    return action


@admin.register(PlatformMembership)
class PlatformMembershipModelAdmin(admin.ModelAdmin):
    list_display = ["company", "platform", "status", "applied_at", "decided_at", "decided_by"]
    list_filter = ["status", "platform"]
    search_fields = ["company__legal_name", "platform__name"]
    readonly_fields = [
        "platform",
        "company",
        "status",
        "message",
        "applied_by",
        "applied_at",
        "decided_by",
        "decided_at",
        "reason",
    ]
    inlines = [ParticipationEventInline]
    actions = [
        _decision_action(services.membership_accept, gettext_lazy("Accept (or lift suspension)")),
        _decision_action(services.membership_refuse, gettext_lazy("Refuse")),
        _decision_action(services.membership_suspend, gettext_lazy("Suspend")),
    ]

    def has_add_permission(self, request):
        return False  # companies apply through the API; admins add through it too

    def has_delete_permission(self, request, obj=None):
        return False  # the history refers to it
