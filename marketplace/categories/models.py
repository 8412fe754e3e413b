from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A node of the goods-and-services classification (CPV-like codes), named in three
    languages. The tree is an adjacency list; ``path`` (codes joined by "/") orders it and
    finds a subtree with one prefix query."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    path = models.CharField(max_length=500, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        if self.parent_id:
            parent = self.parent
            self.path = f"{parent.path}/{self.code}"
            self.depth = parent.depth + 1
        else:
            self.path = self.code
            self.depth = 0
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en
