"""Organisations → index documents, in bulk.

One document per organisation, five fields, each a string of normalised tokens:
name, acronym, themes (names and synonyms of its themes, so "puits" finds water organisations),
body (mission, description, offers, needs) and places (commune, department, locality, country,
countries of action). Reading is done with a handful of `values_list` queries per chunk, never
per organisation, so a rebuild of 100,000 organisations stays a matter of seconds."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from passerelles.actors.models import Organisation
from passerelles.actors.search.text import index_text

CHUNK = 2000


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    acronym: str
    themes: str
    body: str
    places: str


def theme_texts(using: str = "default") -> dict[int, str]:
    """Theme id → tokens of its French and English names and its synonyms."""
    Theme = Organisation.themes.field.related_model
    return {
        pk: index_text(name_fr, name_en, synonyms.replace("\n", " "))
        for pk, name_fr, name_en, synonyms in Theme.objects.using(using).values_list(
            "pk", "name_fr", "name_en", "synonyms"
        )
    }


def _documents(ids: list[int], themes: dict[int, str], using: str) -> list[Document]:
    theme_links = Organisation.themes.through.objects.using(using).filter(organisation_id__in=ids)
    themes_of: dict[int, list[str]] = defaultdict(list)
    for org_id, theme_id in theme_links.values_list("organisation_id", "theme_id"):
        themes_of[org_id].append(themes.get(theme_id, ""))
    country_links = Organisation.countries_of_action.through.objects.using(using).filter(
        organisation_id__in=ids
    )
    countries_of: dict[int, list[str]] = defaultdict(list)
    for org_id, name in country_links.values_list("organisation_id", "country__name_fr"):
        countries_of[org_id].append(name or "")

    rows = (
        Organisation.objects.using(using)
        # A record merged into another is no longer an organisation of its own: no document
        # (its id is then removed from the index, like a deleted one).
        .filter(pk__in=ids, merged_into__isnull=True)
        .values_list(
            "pk",
            "name",
            "acronym",
            "mission",
            "description",
            "offers",
            "needs",
            "locality",
            "commune__name",
            "department__name",
            "country_id",
            "country__name_fr",
        )
    )
    docs = []
    for (
        pk,
        name,
        acronym,
        mission,
        descr,
        offers,
        needs,
        locality,
        commune,
        dept,
        cc,
        cname,
    ) in rows.order_by():
        # France itself is not a useful place word for organisations here: every one has it.
        country = cname if cc != "FR" else ""
        docs.append(
            Document(
                id=pk,
                name=index_text(name),
                acronym=index_text(acronym),
                themes=" ".join(themes_of.get(pk, ())),
                body=index_text(mission, descr, offers, needs),
                places=index_text(commune or "", dept or "", locality, country or "")
                + " "
                + index_text(*countries_of.get(pk, ())),
            )
        )
    return docs


def documents(ids: Iterable[int], using: str = "default") -> Iterator[list[Document]]:
    """Documents for the given organisation ids, a chunk at a time."""
    ids = sorted(set(ids))
    themes = theme_texts(using)
    for start in range(0, len(ids), CHUNK):
        yield _documents(ids[start : start + CHUNK], themes, using)


def all_documents(using: str = "default") -> Iterator[list[Document]]:
    """Documents for every organisation, a chunk at a time (keyset pagination on the id)."""
    themes = theme_texts(using)
    last = 0
    while True:
        ids = list(
            Organisation.objects.using(using)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        yield _documents(ids, themes, using)
        last = ids[-1]
