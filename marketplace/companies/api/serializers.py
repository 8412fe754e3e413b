from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Company, Invitation, MembershipRole


def _validate_country(value: str) -> str:
    value = (value or "").strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise serializers.ValidationError(
            _("Give the country as a two-letter ISO code, for example UA, PL or DE.")
        )
    return value


class CompanyRegisterInputSerializer(serializers.Serializer):
    legal_name = serializers.CharField(max_length=300)
    country = serializers.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    registration_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_buyer = serializers.BooleanField(required=False, default=False)
    is_supplier = serializers.BooleanField(required=False, default=False)

    def validate_country(self, value):
        return _validate_country(value)

    def validate_legal_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("The legal name cannot be empty."))
        return value


class CompanyUpdateInputSerializer(CompanyRegisterInputSerializer):
    """Every field optional; only the fields sent are changed."""

    legal_name = serializers.CharField(max_length=300, required=False)
    country = serializers.CharField(max_length=2, required=False)
    is_buyer = serializers.BooleanField(required=False)
    is_supplier = serializers.BooleanField(required=False)


class CompanyOutputSerializer(serializers.ModelSerializer):
    my_roles = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "id",
            "legal_name",
            "country",
            "registration_number",
            "tax_id",
            "address",
            "city",
            "postal_code",
            "website",
            "email",
            "phone",
            "is_buyer",
            "is_supplier",
            "verification_status",
            "verified_at",
            "created_at",
            "my_roles",
        ]
        read_only_fields = fields

    def get_my_roles(self, obj) -> list[str]:
        roles_by_company = self.context.get("roles_by_company")
        if roles_by_company is not None:
            return sorted(roles_by_company.get(obj.pk, []))
        return []


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class MemberOutputSerializer(serializers.Serializer):
    user = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    joined_at = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer)
    def get_user(self, obj) -> dict:
        return PersonSerializer(obj).data

    def get_roles(self, obj) -> list[str]:
        return sorted(m.role for m in obj.company_memberships)

    def get_joined_at(self, obj) -> str | None:
        times = [m.created_at for m in obj.company_memberships]
        return serializers.DateTimeField().to_representation(min(times)) if times else None


class MemberRolesInputSerializer(serializers.Serializer):
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=MembershipRole.choices),
        allow_empty=False,
        help_text=_("The person's complete set of roles in the company."),
    )


class InvitationCreateInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=MembershipRole.choices)


class InvitationOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "company",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_invited_by(self, obj) -> str | None:
        return obj.invited_by.email if obj.invited_by else None


class InvitationAcceptInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64)


class InvitationAcceptedOutputSerializer(serializers.Serializer):
    company_id = serializers.IntegerField()
    company_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
