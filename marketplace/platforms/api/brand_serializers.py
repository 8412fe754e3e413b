"""The brand API's shapes: input serializers check the shape, ``branding`` the rules."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import PlatformBrand


class BrandPublicOutputSerializer(serializers.ModelSerializer):
    """What any visitor of the brand's host may read."""

    platform = serializers.IntegerField(source="platform_id")
    logo_url = serializers.SerializerMethodField()
    stylesheet_url = serializers.SerializerMethodField()
    footer_links = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text=_("The footer's links: each a label and an address"),
    )

    class Meta:
        model = PlatformBrand
        fields = [
            "id",
            "platform",
            "display_name",
            "logo_url",
            "logo_width",
            "logo_height",
            "primary_color",
            "accent_color",
            "text_on_primary_color",
            "terms",
            "footer_text",
            "footer_links",
            "version",
            "stylesheet_url",
        ]

    def get_logo_url(self, brand: PlatformBrand) -> str | None:
        if not brand.logo:
            return None
        return f"{reverse('frontend:brand-logo', args=[brand.pk])}?v={brand.version}"

    def get_stylesheet_url(self, brand: PlatformBrand) -> str:
        return f"{reverse('frontend:brand-css')}?v={brand.version}"


class BrandOutputSerializer(BrandPublicOutputSerializer):
    """The platform admins' view: the sender and host names too."""

    hosts = serializers.SerializerMethodField()

    class Meta(BrandPublicOutputSerializer.Meta):
        fields = [
            *BrandPublicOutputSerializer.Meta.fields,
            "hosts",
            "sender_name",
            "sender_email",
            "updated_at",
        ]

    def get_hosts(self, brand: PlatformBrand) -> list[str]:
        return [h.host for h in brand.hosts.all()]


class BrandUpdateInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=200)
    primary_color = serializers.CharField(max_length=32)
    accent_color = serializers.CharField(max_length=32)
    text_on_primary_color = serializers.CharField(max_length=32)
    sender_name = serializers.CharField(max_length=200, allow_blank=True)
    sender_email = serializers.CharField(max_length=254, allow_blank=True)
    terms = serializers.CharField(allow_blank=True, trim_whitespace=False)
    footer_text = serializers.CharField(allow_blank=True)
    footer_links = serializers.ListField(child=serializers.DictField(), max_length=50)
    hosts = serializers.ListField(
        child=serializers.CharField(max_length=300),
        max_length=50,
        help_text=_("The host names bound to the brand (operator staff only)"),
    )


class BrandLogoInputSerializer(serializers.Serializer):
    logo = serializers.FileField(help_text=_("PNG, JPEG or WebP; SVG is refused"))
