"""Projects → index documents, in bulk (a handful of `values_list` queries per chunk).

Six fields of normalised French tokens: title, acronym, themes (theme names and synonyms, SDG
targets, DAC sectors), body (summary and description), people (the participants' names and
acronyms) and places (communes, departments, localities, countries)."""

from collections import defaultdict
from dataclasses import dataclass

from passerelles.core.search.text import index_text
from passerelles.projects.models import Participation, Project, ProjectPlace
from passerelles.vocab.search import theme_texts


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    acronym: str
    themes: str
    body: str
    people: str
    places: str


def _documents(ids: list[int], themes: dict[int, str], using: str) -> list[Document]:
    words: dict[str, dict[int, list[str]]] = {
        key: defaultdict(list) for key in ("themes", "people", "places")
    }
    links = Project.themes.through.objects.using(using).filter(project_id__in=ids)
    for pk, theme_id in links.values_list("project_id", "theme_id"):
        words["themes"][pk].append(themes.get(theme_id, ""))
    targets = Project.sdg_targets.through.objects.using(using).filter(project_id__in=ids)
    for pk, name in targets.values_list("project_id", "sdgtarget__goal__name_fr"):
        words["themes"][pk].append(index_text(name or ""))
    sectors = Project.dac_sectors.through.objects.using(using).filter(project_id__in=ids)
    for pk, name in sectors.values_list("project_id", "dacsector__name_fr"):
        words["themes"][pk].append(index_text(name or ""))
    people = Participation.objects.using(using).filter(project_id__in=ids)
    for pk, name, acronym in people.values_list(
        "project_id", "organisation__name", "organisation__acronym"
    ):
        words["people"][pk].append(index_text(name, acronym))
    places = ProjectPlace.objects.using(using).filter(project_id__in=ids)
    for pk, commune, dept, locality, country in places.values_list(
        "project_id", "commune__name", "department__name", "locality", "country__name_fr"
    ):
        words["places"][pk].append(index_text(commune or "", dept or "", locality, country or ""))

    rows = (
        Project.objects.using(using)
        .filter(pk__in=ids)
        .order_by()
        .values_list("pk", "title", "acronym", "summary", "description")
    )
    return [
        Document(
            id=pk,
            title=index_text(title),
            acronym=index_text(acronym),
            themes=" ".join(words["themes"].get(pk, ())),
            body=index_text(summary, description),
            people=" ".join(words["people"].get(pk, ())),
            places=" ".join(words["places"].get(pk, ())),
        )
        for pk, title, acronym, summary, description in rows
    ]


def builder(using: str = "default"):
    """The index's document builder: theme texts read once, then documents chunk by chunk."""
    themes = theme_texts(using)
    return lambda ids: _documents(ids, themes, using)
