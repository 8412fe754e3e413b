from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import LANGUAGE_CHOICES, User, time_zone_choices


class TokenObtainInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as the header: Authorization: Token <token>"))


class MembershipSummarySerializer(serializers.Serializer):
    company_id = serializers.IntegerField()
    company_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class MeOutputSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "phone",
            "language",
            "time_zone",
            "date_joined",
            "memberships",
        ]
        read_only_fields = fields

    @extend_schema_field(MembershipSummarySerializer(many=True))
    def get_memberships(self, obj):
        from marketplace.companies.selectors import user_memberships_summary

        return MembershipSummarySerializer(user_memberships_summary(user=obj), many=True).data


class MeUpdateInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    time_zone = serializers.ChoiceField(
        choices=time_zone_choices(),
        required=False,
        help_text=_("An IANA time zone, e.g. Europe/Kyiv: the pages show times in it."),
    )
