from typing import cast

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Category


class CategoryOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("In the request's language"))
    # A declared field: DRF's metaclass takes it out of the class, so Field.parent stays as it
    # is; the stubs see a class attribute overriding it.
    parent = serializers.IntegerField(source="parent_id", allow_null=True, read_only=True)  # type: ignore[assignment]
    has_children = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "depth", "path", "has_children"]

    def get_has_children(self, obj: Category) -> bool:
        parents = self.context.get("parent_ids")
        if parents is not None:
            return obj.pk in parents
        return obj.children.exists()


class CategoryBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "depth"]


class CategoryDetailOutputSerializer(CategoryOutputSerializer):
    names = serializers.SerializerMethodField(help_text=_("The name in every language we have"))
    ancestors = serializers.SerializerMethodField(help_text=_("From the root down to the parent"))
    children = serializers.SerializerMethodField()

    class Meta(CategoryOutputSerializer.Meta):
        fields = [*CategoryOutputSerializer.Meta.fields, "names", "ancestors", "children"]

    def get_names(self, obj: Category) -> dict[str, str]:
        return {"en": obj.name_en, "ru": obj.name_ru, "uk": obj.name_uk}

    # many=True makes a ListSerializer, whose data is a list; the stubs type the call as
    # CategoryBriefSerializer, whose data is a dict.
    def get_ancestors(self, obj: Category) -> list[dict]:
        return cast(list[dict], CategoryBriefSerializer(self.context["ancestors"], many=True).data)

    def get_children(self, obj: Category) -> list[dict]:
        return cast(list[dict], CategoryBriefSerializer(self.context["children"], many=True).data)
