"""The charts and maps say everything in text too: a name, a description with the values,
and each value written on the chart; colours only repeat it."""

import re

from passerelles.observatory import charts, maps
from passerelles.observatory.registry import Column, Row, Table


def table(rows, **kwargs):
    return Table(category="Pays", columns=[Column("n", "projets")], rows=rows, **kwargs)


def test_a_bar_chart_is_a_named_image_with_every_value_in_text():
    svg = charts.bar_chart(
        "c", "Projets", table([Row("a", "Alpha", {"n": 12}), Row("b", "Bêta & co", {"n": 3})])
    )
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Projets</title>' in svg
    assert "Alpha : 12 ; Bêta &amp; co : 3" in svg
    assert re.findall(r">(\d+)</text>", svg) == ["12", "3"]
    assert "style=" not in svg  # presentation attributes only: the CSP allows no inline style


def test_two_series_are_told_apart_by_words():
    t = Table(
        category="Nature",
        columns=[Column("out", "d'ici"), Column("back", "de là-bas")],
        rows=[Row("money", "argent", {"out": 2, "back": 1})],
        chart_columns=("out", "back"),
    )
    svg = charts.bar_chart("r", "Réciprocité", t)
    assert "2 d&#x27;ici" in svg and "1 de là-bas" in svg


def test_a_line_chart_labels_each_year_and_value():
    rows = [Row(str(y), str(y), {"n": n}) for y, n in ((2024, 1), (2025, 1), (2026, 2))]
    svg = charts.line_chart("l", "Série", table(rows))
    assert "<polyline" in svg
    assert [t for t in re.findall(r">([^<]+)</text>", svg)] == [
        "1",
        "2024",
        "1",
        "2025",
        "2",
        "2026",
    ]


def test_the_map_of_the_region_writes_each_department_and_its_value():
    rows = [
        Row(code, code, {"n": n})
        for code, n in (("18", 0), ("28", 4), ("36", 1), ("37", 8), ("41", 2), ("45", 0))
    ]
    svg = maps.departments_map("d", "Acteurs", table(rows))
    texts = re.findall(r">([^<]+)</text>", svg)
    for code, value in (("37", "8"), ("28", "4"), ("18", "0")):
        index = texts.index(code)
        assert texts[index + 1] == value
    assert svg.count("<path ") == 6
    # The legend names each class in words.
    assert "aucun" in texts and "7–8" in texts


def test_the_map_of_the_countries_uses_the_shared_outlines():
    rows = [Row("BF", "Burkina Faso", {"n": 5}), Row("ML", "Mali", {"n": 2})]
    svg = maps.countries_map("m", "Projets par pays", table(rows))
    assert 'href="#obs-country-BF"' in svg
    assert "BF 5" in svg and "ML 2" in svg
    assert 'id="obs-country-BF"' in maps.country_defs()
    assert 'aria-hidden="true"' in maps.country_defs()


def test_nothing_to_draw_draws_nothing():
    assert charts.bar_chart("e", "Vide", table([])) is None
    assert maps.countries_map("e", "Vide", table([Row("BF", "Burkina Faso", {"n": 0})])) is None
