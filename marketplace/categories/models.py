from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("en", "ru", "uk")


def request_language() -> str:
    """The active language if we have names in it, else English."""
    lang = (get_language() or "en")[:2].lower()
    return lang if lang in LANGUAGE_CODES else "en"


def search_text(code: str, name: str) -> str:
    """What a search in one language matches: the code and the name, case-folded in Python so
    that Cyrillic matches case-insensitively on every database (SQLite's LIKE folds only ASCII)."""
    return f"{code} {name}".casefold()


class Category(models.Model):
    """A node of the goods-and-services classification (CPV-like codes), named in three
    languages. The tree is an adjacency list; ``path`` (codes joined by "/") orders it and
    finds a subtree with one prefix query."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    path = models.CharField(max_length=500, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # Case-folded "code name" per language, kept by save(); searched with a plain contains.
    search_en = models.CharField(max_length=240, blank=True, editable=False)
    search_ru = models.CharField(max_length=240, blank=True, editable=False)
    search_uk = models.CharField(max_length=240, blank=True, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        old_path = None
        if self.pk:
            old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self._compute_tree_fields()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # The node moved or was renamed: its descendants' paths follow.
            for child in self.children.all():
                child.save()

    def clean(self):
        super().clean()
        if "/" in (self.code or ""):
            raise ValidationError({"code": _("A category code cannot contain “/”.")})
        node = self.parent
        while node is not None and self.pk is not None:
            if node.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A category cannot be placed under itself or its own subtree.")}
                )
            node = node.parent

    def _compute_tree_fields(self) -> None:
        parent = self.parent if self.parent_id else None
        if parent is not None:
            self.path = f"{parent.path}/{self.code}"
            self.depth = parent.depth + 1
        else:
            self.path = self.code
            self.depth = 0
        for lang in LANGUAGE_CODES:
            name = getattr(self, f"name_{lang}") or self.name_en
            setattr(self, f"search_{lang}", search_text(self.code, name)[:240])

    @property
    def name(self) -> str:
        return getattr(self, f"name_{request_language()}", "") or self.name_en
