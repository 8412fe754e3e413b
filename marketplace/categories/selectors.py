"""Reads of the category tree."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Category, request_language


def category_list(*, search: str = "", language: str | None = None) -> QuerySet[Category]:
    """Every category in tree order; ``search`` matches the code or the name in ``language``
    (the active language by default), case-insensitively in any script."""
    qs = Category.objects.all()
    search = (search or "").strip()
    if search:
        lang = language or request_language()
        qs = qs.filter(**{f"search_{lang}__contains": search.casefold()})
    return qs


def category_get(*, category_id: int) -> Category | None:
    return Category.objects.select_related("parent").filter(pk=category_id).first()


def category_subtree(*, category: Category | int, include_self: bool = True) -> QuerySet[Category]:
    """A category and everything under it, found by its path prefix (one indexed query)."""
    if isinstance(category, int):
        category = Category.objects.only("pk", "path").get(pk=category)
    below = Q(path__startswith=f"{category.path}/")
    return Category.objects.filter(below | Q(pk=category.pk) if include_self else below)


def categories_with_subtrees(*, category_ids: list[int]) -> QuerySet[Category]:
    """The categories with these ids and all their descendants (e.g. "any of my categories")."""
    paths = list(Category.objects.filter(pk__in=category_ids).values_list("path", flat=True))
    if not paths:
        return Category.objects.none()
    condition = Q(pk__in=category_ids)
    for path in paths:
        condition |= Q(path__startswith=f"{path}/")
    return Category.objects.filter(condition)


def category_ancestors(*, category: Category) -> QuerySet[Category]:
    """The category's ancestors, root first."""
    codes = category.path.split("/")[:-1]
    return Category.objects.filter(code__in=codes).order_by("depth")


def category_children(*, category: Category) -> QuerySet[Category]:
    return category.children.order_by("path")
