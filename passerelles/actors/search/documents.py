"""Organisations → index documents, in bulk.

One document per organisation, five fields, each a string of normalised tokens:
name, acronym, themes (names and synonyms of its themes, so "puits" finds water organisations),
body (mission, description, offers, needs) and places (commune, department, locality, country,
countries of action). Reading is done with a handful of `values_list` queries per chunk, never
per organisation, so a rebuild of 100,000 organisations stays a matter of seconds."""

from collections import defaultdict
from dataclasses import dataclass

from passerelles.actors.models import Organisation
from passerelles.core.search.text import index_text
from passerelles.vocab.search import theme_texts


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    acronym: str
    themes: str
    body: str
    places: str


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


def builder(using: str = "default"):
    """The index's document builder: theme texts read once, then documents chunk by chunk."""
    themes = theme_texts(using)
    return lambda ids: _documents(ids, themes, using)
