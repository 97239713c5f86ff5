"""The observatory's page: what a visitor sees, its filters, bad filters, both languages,
its query budget and its weight."""

import re

import pytest
from django.utils import translation

from passerelles.observatory.registry import REGISTRY

pytestmark = pytest.mark.django_db
URL = "/observatoire/"


def cell(html: str, indicator: str, label: str) -> list[str]:
    """The cells of the row `label` in the table of `indicator`, as shown."""
    article = html[html.index(f'<article class="indicator" id="{indicator}"') :]
    article = article[: article.index("</article>")]
    row = re.search(
        r"<tr><th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", article, re.S
    )
    assert row, f"no row {label!r} in {indicator}"
    return re.findall(r'<td class="number">(.*?)</td>', row.group(1))


def test_a_visitor_sees_every_public_indicator_with_its_chart_and_definition(client, network):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for indicator in REGISTRY.values():
        shown = f'id="{indicator.key}"' in html
        assert shown is not indicator.staff_only, indicator.key
    # The chart is an image with a name and a description, and its values are in text.
    assert '<svg class="chart" viewBox' in html
    assert 'aria-labelledby="chart-actors_by_side-title chart-actors_by_side-desc"' in html
    assert '<desc id="chart-actors_by_side-desc">Diagramme en barres. ici : 3 ; là-bas : 2.' in html
    # The values a person reads in the table.
    assert cell(html, "actors_by_side", "ici") == ["3"]
    # French groups thousands with a no-break space.
    assert cell(html, "funding_by_funder_type", "financeur hors annuaire") == [
        "80\xa0000",
        "3",
        "2",
    ]
    # Each definition says what counts and what is left out.
    assert "Ce qui est laissé de côté" in html
    assert "Seules les organisations publiées de l&#x27;annuaire comptent." in html


def test_filters_narrow_what_is_shown(client, network):
    html = client.get(URL, {"department": "37"}).content.decode()
    # Only a2 is seated in 37.
    assert cell(html, "actors_by_side", "ici") == ["1"]
    assert "Filtres appliqués : département Indre-et-Loire (37)" in html
    # The downloads carry the same filters.
    assert "/observatoire/indicateurs.csv?department=37" in html
    html = client.get(URL, {"country": "ml"}).content.decode()
    # Seated in ML (b2) or acting there (a3).
    assert cell(html, "actors_by_family", "collectivité territoriale") == ["1", "1", "0"]
    assert 'id="actors_by_department"' in html
    html = client.get(URL, {"theme": network.themes[1].slug}).content.decode()
    assert cell(html, "projects_by_status", "terminé") == ["1"]
    assert cell(html, "projects_by_status", "en cours") == ["0"]
    html = client.get(URL, {"year": "2024"}).content.decode()
    # Running in 2024: p1 only (p2 starts in 2025, p4 in 2026).
    assert cell(html, "projects_by_status", "en cours") == ["1"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "deux mille"}, "L&#x27;année doit être un nombre, par exemple 2025."),
        ({"year": "12"}, "L&#x27;année doit être 1990 ou après."),
        ({"department": "75"}, "« 75 » n&#x27;est pas un département de la région"),
        ({"country": "ZZ"}, "« ZZ » n&#x27;est pas un code de pays connu"),
        ({"theme": "<script>"}, "« &lt;script&gt; » n&#x27;est pas un thème connu"),
    ],
)
def test_bad_filters_get_a_clear_message(client, network, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Erreur :" in html
    assert message in html
    assert 'id="actors_by_family"' not in html  # no half-filtered figures


def test_the_page_in_english(client, network):
    client.cookies["django_language"] = "en"
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="en">' in html
    # Names of referentials follow the language (the catalogue does the rest).
    assert "Burkina Faso" in html
    with translation.override("en"):
        assert str(REGISTRY["actors_by_side"].name) in html


def test_the_page_issues_a_fixed_number_of_queries(client, network, django_assert_max_num_queries):
    # Counted on the hand-built network; more records must not mean more queries.
    with django_assert_max_num_queries(60):
        client.get(URL)
    from tests.projects.factories import linked_project

    for _ in range(5):
        linked_project()
    with django_assert_max_num_queries(60) as context:
        client.get(URL)
    first = len(context.captured_queries)
    for _ in range(5):
        linked_project()
    with django_assert_max_num_queries(first):
        client.get(URL)


def test_the_page_is_light(client, network):
    """A phone on a slow connection: the page (HTML, charts and maps included) stays under
    200 KB before compression and 40 KB gzipped (docs/observatory.md gives the figures)."""
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 40_000
    plain = client.get(URL)
    assert len(plain.content) < 200_000


def test_linked_from_the_header_and_the_footer(client, db):
    html = client.get("/").content.decode()
    assert html.count('href="/observatoire/"') == 2
