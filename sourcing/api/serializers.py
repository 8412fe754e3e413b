"""The sourcing API's shapes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.core.ids import IdField
from marketplace.core.serializers import ErrorBodySerializer

from ..models import STAGES, Origin, Shortlist, ShortlistEntry


class SourcingCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="legal_name")


class SourcingTenderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    participation = serializers.CharField()


class ShortlistSerializer(serializers.ModelSerializer):
    buyer = SourcingCompanySerializer()
    tender = SourcingTenderSerializer(allow_null=True, help_text=_("null: a named list"))
    size = serializers.IntegerField(help_text=_("How many suppliers it holds"))

    class Meta:
        model = Shortlist
        fields = ["id", "buyer", "name", "tender", "size", "created_at", "updated_at"]


class ShortlistSupplierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="legal_name")
    country = serializers.CharField()
    city = serializers.CharField()


class ShortlistEntrySerializer(serializers.ModelSerializer):
    supplier = ShortlistSupplierSerializer()

    class Meta:
        model = ShortlistEntry
        fields = ["supplier", "note", "added_at"]


class ShortlistDetailSerializer(ShortlistSerializer):
    entries = ShortlistEntrySerializer(many=True)

    class Meta(ShortlistSerializer.Meta):
        fields = [*ShortlistSerializer.Meta.fields, "entries"]


class ShortlistQuerySerializer(serializers.Serializer):
    buyer = IdField(required=False, help_text=_("Only this buyer company's lists"))
    tender = IdField(required=False, help_text=_("Only this tender's list"))


class ShortlistCreateSerializer(serializers.Serializer):
    buyer = IdField(
        required=False,
        help_text=_("The buyer company; may be left out by a person of one buyer company"),
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    tender = IdField(
        required=False, help_text=_("Make the tender's shortlist (named after it unless named)")
    )


class ShortlistUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class ShortlistEntryInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("Left out: an entry already there keeps its note"),
    )


class SupplierInviteSerializer(serializers.Serializer):
    supplier = IdField(help_text=_("A registered, verified supplier company"))


class ProspectInviteSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    country = serializers.CharField(max_length=8, help_text=_("ISO 3166-1 alpha-2 code"))
    identifier = serializers.CharField(
        max_length=40,
        help_text=_("EDRPOU in Ukraine, INN in Russia, the VAT number in the EU"),
    )
    company_name = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    person_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class FunnelCountsSerializer(serializers.Serializer):
    """How many companies reached each stage (each count includes the later stages')."""

    invited = serializers.IntegerField()
    registered = serializers.IntegerField()
    verified = serializers.IntegerField()
    applied = serializers.IntegerField()
    bid = serializers.IntegerField()


class SupplierInvitationSerializer(serializers.Serializer):
    """One invited company and how far it went (``selectors.FunnelRow``)."""

    id = serializers.IntegerField(source="invitation.pk")
    origin = serializers.ChoiceField(choices=Origin.choices, source="invitation.origin")
    stage = serializers.ChoiceField(choices=[(s, s) for s in STAGES])
    name = serializers.CharField(
        help_text=_("The company's name when you may read its profile, else what was typed")
    )
    company = serializers.SerializerMethodField(
        help_text=_("The registered company, when you may read its supplier profile")
    )
    company_name = serializers.CharField(source="invitation.company_name")
    person_name = serializers.CharField(source="invitation.person_name")
    email = serializers.CharField(source="invitation.email")
    country = serializers.CharField(source="invitation.country")
    identifier = serializers.CharField(source="invitation.identifier")
    invited_at = serializers.DateTimeField(source="invitation.invited_at")
    registered_at = serializers.DateTimeField(source="invitation.registered_at", allow_null=True)
    verified_at = serializers.DateTimeField(source="invitation.verified_at", allow_null=True)
    applied_at = serializers.DateTimeField(source="invitation.applied_at", allow_null=True)
    bid_at = serializers.DateTimeField(source="invitation.bid_at", allow_null=True)
    tender_invitation = serializers.IntegerField(
        source="invitation.tender_invitation_id",
        allow_null=True,
        help_text=_("The tender's own invitation (tenders API), once made"),
    )
    tender_invited_at = serializers.DateTimeField(
        source="invitation.tender_invited_at", allow_null=True
    )
    withdrawn_at = serializers.DateTimeField(
        source="invitation.withdrawn_at",
        allow_null=True,
        help_text=_("When the buyer took the tender's invitation back (until it invites again)"),
    )
    email_sent_at = serializers.DateTimeField(source="invitation.email_sent_at", allow_null=True)
    auto_invite_problem = serializers.CharField(
        source="invitation.auto_invite_problem",
        help_text=_("Why a verified prospect could not be invited to the tender automatically"),
    )

    def get_company(self, row) -> dict | None:
        if row.company_id is None:
            return None
        return {"id": row.company_id, "name": row.name}


class TenderFunnelSerializer(serializers.Serializer):
    tender = SourcingTenderSerializer()
    counts = FunnelCountsSerializer()
    invitations = SupplierInvitationSerializer(many=True, source="rows")


class TenderCountsSerializer(serializers.Serializer):
    tender = SourcingTenderSerializer()
    counts = FunnelCountsSerializer()


class BuyerFunnelSerializer(serializers.Serializer):
    buyer = SourcingCompanySerializer()
    counts = FunnelCountsSerializer()
    tenders = TenderCountsSerializer(many=True)


class FunnelQuerySerializer(serializers.Serializer):
    buyer = IdField(required=False, help_text=_("The buyer company (if you are in several)"))


class RegisteredCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    directory_url = serializers.CharField()


class CompanyRegisteredBodySerializer(ErrorBodySerializer):
    company = RegisteredCompanySerializer(
        allow_null=True,
        help_text=_("The registered company, when you may read its supplier profile"),
    )


class CompanyRegisteredErrorSerializer(serializers.Serializer):
    """409 ``company_registered``: the error format, with the company to invite instead."""

    error = CompanyRegisteredBodySerializer()
