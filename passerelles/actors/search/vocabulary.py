"""What the directory contributes to the spelling vocabulary of forgiving search
(passerelles.core.search.spelling): the words people type to find an organisation."""

from passerelles.actors.models import Organisation
from passerelles.core.search import spelling
from passerelles.geo.models import Country, Department
from passerelles.vocab.models import Theme


def organisation_texts():
    """Names and acronyms of published organisations, and the towns they are in."""
    rows = Organisation.objects.published().values_list(
        "name", "acronym", "commune__name", "locality"
    )
    for name, acronym, commune, locality in rows.order_by().iterator(chunk_size=5000):
        yield name, False
        if acronym:
            yield acronym, True
        if commune:
            yield commune, True
        if locality:
            yield locality, True


def referential_texts():
    """Countries in French, departments, themes in French and their synonyms."""
    for name in Country.objects.values_list("name_fr", flat=True):
        yield name, True
    for name in Department.objects.values_list("name", flat=True):
        yield name, True
    themes = Theme.objects.active().values_list("name_fr", "synonyms")
    for name, synonyms in themes:
        yield name, False
        for synonym in (synonyms or "").replace("\n", ",").split(","):
            yield synonym.strip(), False


def connect() -> None:
    spelling.provide("organisations", organisation_texts, "organisation")
    spelling.provide("referentials", referential_texts, "referentials")
