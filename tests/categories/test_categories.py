"""The category tree: the shipped CPV seed, the selectors and the read API."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from marketplace.categories import selectors
from marketplace.categories.models import Category
from marketplace.categories.seed import iter_nodes, load_tree, read_tree
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

CPV_CODE = re.compile(r"^\d{8}-\d$")


def url(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs)


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- the seed ---------------------------------------------------------------------------------


def test_the_migration_seeded_the_whole_shipped_tree():
    nodes = list(iter_nodes(read_tree()))
    assert len(nodes) >= 100
    assert sum(1 for _, parent in nodes if parent is None) >= 25
    seeded = {c.code: c for c in Category.objects.filter(code__in=[n["code"] for n, _ in nodes])}
    assert len(seeded) == len(nodes)
    for node, parent_code in nodes:
        category = seeded[node["code"]]
        assert CPV_CODE.match(category.code)
        assert category.name_en and category.name_ru and category.name_uk
        assert (category.parent.code if category.parent else None) == parent_code
        expected_path = (
            f"{category.parent.path}/{category.code}" if category.parent else category.code
        )
        assert category.path == expected_path
        assert category.depth == expected_path.count("/")
        # A child's code refines its parent's: CPV codes nest by their leading digits.
        if parent_code:
            assert category.code[:2] == parent_code[:2]


def test_loading_the_seed_again_changes_nothing():
    before = list(Category.objects.values_list("code", "path", "name_uk", "search_ru"))
    load_tree(Category, read_tree())
    assert list(Category.objects.values_list("code", "path", "name_uk", "search_ru")) == before


# --- the model and selectors ------------------------------------------------------------------


def test_subtree_is_found_by_path_prefix_and_not_by_code_prefix():
    root = CategoryFactory(code="X1")
    child = CategoryFactory(code="X1A", parent=root)
    grandchild = CategoryFactory(code="X1A1", parent=child)
    lookalike = CategoryFactory(code="X10")  # shares the leading characters, not the tree
    assert set(selectors.category_subtree(category=root)) == {root, child, grandchild}
    assert set(selectors.category_subtree(category=root, include_self=False)) == {
        child,
        grandchild,
    }
    assert set(selectors.categories_with_subtrees(category_ids=[child.pk, lookalike.pk])) == {
        child,
        grandchild,
        lookalike,
    }
    assert list(selectors.category_ancestors(category=grandchild)) == [root, child]


def test_moving_a_node_moves_its_subtree():
    a, b = CategoryFactory(code="A0"), CategoryFactory(code="B0")
    child = CategoryFactory(code="A01", parent=a)
    leaf = CategoryFactory(code="A011", parent=child)
    child.parent = b
    child.save()
    leaf.refresh_from_db()
    assert (leaf.path, leaf.depth) == ("B0/A01/A011", 2)


def test_a_node_cannot_go_under_its_own_subtree():
    root = CategoryFactory(code="R0")
    child = CategoryFactory(code="R01", parent=root)
    root.parent = child
    with pytest.raises(ValidationError):
        root.full_clean()


# --- the API ----------------------------------------------------------------------------------


def test_anyone_may_list_the_roots_in_their_language(api_client):
    rows = results(api_client.get(url("category-list"), {"roots": "true", "page_size": 200}))
    codes = [r["code"] for r in rows]
    assert len(rows) == Category.objects.filter(parent=None).count() >= 25
    assert codes == sorted(codes)
    assert all(r["parent"] is None and r["depth"] == 0 for r in rows)
    fuel = Category.objects.get(code="09000000-3")
    by_code = {r["code"]: r for r in rows}
    assert by_code[fuel.code]["name"] == fuel.name_en
    assert by_code[fuel.code]["has_children"] is True

    rows = results(
        api_client.get(
            url("category-list"), {"roots": "true", "page_size": 200}, HTTP_ACCEPT_LANGUAGE="uk"
        )
    )
    assert {r["code"]: r["name"] for r in rows}[fuel.code] == fuel.name_uk


def test_children_of_a_parent(api_client):
    computers = Category.objects.get(code="30200000-1")
    rows = results(api_client.get(url("category-list"), {"parent": computers.pk}))
    assert [r["code"] for r in rows] == list(
        Category.objects.filter(parent=computers).order_by("path").values_list("code", flat=True)
    )
    assert rows and all(r["parent"] == computers.pk for r in rows)


@pytest.mark.parametrize(
    ("language", "query", "expected_code"),
    [
        ("ru", "ДИЗЕЛЬНОЕ ТОПЛИВО", "09134200-9"),
        ("uk", "дизельне паливо", "09134200-9"),
        ("en", "diesel FUEL", "09134200-9"),
        ("en", "3021300", "30213000-5"),
    ],
)
def test_search_by_code_or_name_in_the_request_language(api_client, language, query, expected_code):
    rows = results(
        api_client.get(url("category-list"), {"search": query}, HTTP_ACCEPT_LANGUAGE=language)
    )
    assert expected_code in [r["code"] for r in rows]
    name = Category.objects.get(code=expected_code).__dict__[f"name_{language}"]
    assert {r["code"]: r["name"] for r in rows}[expected_code] == name


def test_search_does_not_match_another_language(api_client):
    rows = results(
        api_client.get(url("category-list"), {"search": "паливо"}, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert rows == []


def test_within_a_subtree(api_client):
    fuels = Category.objects.get(code="09100000-0")
    rows = results(api_client.get(url("category-list"), {"within": fuels.pk}))
    expected = set(selectors.category_subtree(category=fuels).values_list("code", flat=True))
    assert {r["code"] for r in rows} == expected
    assert "09134100-8" in expected and "09310000-5" not in expected


def test_detail_with_ancestors_and_children(client_for):
    from tests.factories import UserFactory

    pcs = Category.objects.get(code="30213000-5")
    response = client_for(UserFactory()).get(
        url("category-detail", category_id=pcs.pk), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == pcs.name_ru
    assert body["names"] == {"en": pcs.name_en, "ru": pcs.name_ru, "uk": pcs.name_uk}
    assert [a["code"] for a in body["ancestors"]] == ["30000000-9", "30200000-1", "30210000-4"]
    assert body["ancestors"][0]["name"] == Category.objects.get(code="30000000-9").name_ru
    assert [c["code"] for c in body["children"]] == ["30213100-6", "30213300-8"]


def test_unknown_category_is_404(api_client):
    response = api_client.get(url("category-detail", category_id=10**9))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "category_not_found"


def test_bad_filter_values_are_a_clear_400(api_client):
    response = api_client.get(url("category-list"), {"parent": "abc"})
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]
