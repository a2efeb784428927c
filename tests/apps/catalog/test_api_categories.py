import pytest

from tests.apps.catalog.factories import BrandFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_the_category_tree_nests_children_in_position_order(client, django_assert_max_num_queries):
    # given two roots, one with two children (positions reversed to names) and a grandchild
    home = CategoryFactory(slug="home", name="Home", position=1)
    garden = CategoryFactory(slug="garden", name="Garden", position=2)
    kitchen = CategoryFactory(slug="kitchen", name="Kitchen", parent=home, position=2)
    bath = CategoryFactory(slug="bath", name="Bath", parent=home, position=1)
    kettles = CategoryFactory(slug="kettles", name="Kettles", parent=kitchen)

    # when the tree is read
    with django_assert_max_num_queries(1):
        response = client.get("/api/catalog/categories/")

    # then it is nested exactly so
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": home.pk,
            "slug": "home",
            "name": "Home",
            "children": [
                {"id": bath.pk, "slug": "bath", "name": "Bath", "children": []},
                {
                    "id": kitchen.pk,
                    "slug": "kitchen",
                    "name": "Kitchen",
                    "children": [{"id": kettles.pk, "slug": "kettles", "name": "Kettles", "children": []}],
                },
            ],
        },
        {"id": garden.pk, "slug": "garden", "name": "Garden", "children": []},
    ]


def test_the_category_tree_names_in_chinese_when_asked(client):
    CategoryFactory(slug="home", name="Home", name_zh="家居")
    CategoryFactory(slug="garden", name="Garden", name_zh="")

    response = client.get("/api/catalog/categories/", headers={"Accept-Language": "zh-hans"})

    assert [node["name"] for node in response.json()] == ["Garden", "家居"]


def test_the_brands_are_listed_by_name(client, django_assert_max_num_queries):
    zeta = BrandFactory(name="Zeta", slug="zeta")
    acme = BrandFactory(name="Acme", slug="acme")

    with django_assert_max_num_queries(1):
        response = client.get("/api/catalog/brands/")

    assert response.status_code == 200
    assert response.json() == [
        {"id": acme.pk, "slug": "acme", "name": "Acme"},
        {"id": zeta.pk, "slug": "zeta", "name": "Zeta"},
    ]
