"""Organisations in the API: the published directory, filtered like the web list.

Filters are validated by the same form as the list (passerelles.actors.filters), so the web
and the API accept the same values and answer with the same French messages."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from passerelles.actors.enums import Family, Side
from passerelles.actors.filters import DirectoryFilter
from passerelles.actors.models import Organisation
from passerelles.api.errors import errors
from passerelles.core import fragments
from passerelles.core.richtext import html_to_text, sanitise_html

MAX_PAGE = 100_000
PAGE_SIZE = 50

router = Router(tags=["organisations"])


class OrganisationFilters(Schema):
    q: str | None = Field(None, description="Recherche en texte intégral (français).")
    family: Family | None = Field(None, description="Famille d'acteurs.")
    department: str | None = Field(None, description="Code INSEE du département, ex. 41.")
    country: str | None = Field(
        None, description="Pays d'action (code ISO 3166 alpha-2), siège compris."
    )
    theme: str | None = Field(None, description="Identifiant du thème, ex. sante.")
    sdg: int | None = Field(None, ge=1, le=17, description="Numéro d'ODD (1 à 17).")
    side: Side | None = Field(None, description="here (ici) ou there (là-bas).")
    ess: bool | None = Field(None, description="Économie sociale et solidaire.")
    si: bool | None = Field(None, description="Solidarité internationale.")
    # Bounded: a page number past 64-bit offsets would overflow the database's OFFSET.
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description=f"Page de {PAGE_SIZE} résultats, à partir de 1."
    )


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    family: str
    is_ess: bool
    is_si: bool
    commune: str | None
    department: str | None
    country: str
    lat: float | None
    lon: float | None
    themes: list[str]
    url: str


class OrganisationList(Schema):
    count: int
    items: list[OrganisationOut]


class OrganisationDetail(OrganisationOut):
    acronym: str
    mission: str
    description: str = Field(
        description=(
            "HTML assaini : seulement p, br, strong, em, ul, ol, li, a, h3, h4, blockquote "
            "(liens en rel=noopener). Pour un affichage en texte, voir description_text."
        )
    )
    description_text: str = Field(
        description=(
            "La présentation en texte brut : paragraphes séparés par une ligne vide, sans "
            "balise ni entité HTML."
        )
    )
    offers: str
    needs: str
    locality: str
    sdgs: list[int]
    countries_of_action: list[str]
    languages: list[str]
    website: str
    email: str
    legal_form: str
    siren: str
    rna: str
    source: str
    status: str = Field(description="published, pending (en attente de modération)…")
    last_verified_at: datetime | None
    updated_at: datetime


def _item(request: HttpRequest, org: Organisation) -> dict:
    return {
        "id": org.pk,
        "slug": org.slug,
        "name": org.name,
        "family": org.family,
        "is_ess": org.is_ess,
        "is_si": org.is_si,
        "commune": org.commune.name if org.commune_id else None,
        "department": org.department_id,
        "country": org.country_id,
        "lat": org.lat,
        "lon": org.lon,
        # Prefetched: .all() reads the cache, a filtered or ordered query would not.
        "themes": [t.slug for t in org.themes.all()],
        "url": request.build_absolute_uri(org.get_absolute_url()),
    }


@router.get(
    "/organisations",
    response={200: OrganisationList, **errors(422)},
    summary="Lister les organisations",
)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]):
    """Organisations publiées, filtrées ; par pertinence quand `q` est donné, par nom sinon."""
    # The same for every caller (published organisations only): from the page cache, keyed by
    # the filters and the site's address (links are absolute), until an organisation, a theme
    # or a place changes (core/fragments.py).
    return fragments.get_or_build(
        "api_organisations",
        "organisation referentials",
        (sorted(filters.dict().items()), request.build_absolute_uri("/")),
        lambda: _list(request, filters),
    )


def _list(request: HttpRequest, filters: OrganisationFilters) -> dict:
    params = {
        name: value
        for name, value in filters.dict(exclude={"page"}).items()
        if value is not None and value != ""
    }
    for name in ("ess", "si"):
        if name in params:
            params[name] = "1" if params[name] else "0"
    directory = DirectoryFilter({k: str(v) for k, v in params.items()}, forgive=True)
    if directory.errors:
        raise HttpError(422, " ".join(directory.errors))
    results = directory.results()
    count = results.order_by().count()
    start = (filters.page - 1) * PAGE_SIZE
    page = results.select_related("commune").prefetch_related("themes")[start : start + PAGE_SIZE]
    return {"count": count, "items": [_item(request, org) for org in page]}


@router.get(
    "/organisations/{int:organisation_id}",
    response={200: OrganisationDetail, **errors(404)},
    summary="Une organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int):
    """Une organisation publiée ; 404 si elle n'existe pas ou n'est pas publiée."""
    org = get_object_or_404(
        Organisation.objects.published()
        .select_related("commune")
        .prefetch_related("themes", "sdgs", "countries_of_action"),
        pk=organisation_id,
    )
    return detail(request, org)


def detail(request: HttpRequest, org: Organisation) -> dict:
    """The detail answer for `org` (its relations prefetched)."""
    return {
        **_item(request, org),
        "acronym": org.acronym,
        "mission": org.mission,
        "description": sanitise_html(org.description),
        "description_text": html_to_text(org.description),
        "offers": org.offers,
        "needs": org.needs,
        "locality": org.locality,
        "sdgs": [g.code for g in org.sdgs.all()],
        "countries_of_action": [c.code for c in org.countries_of_action.all()],
        "languages": [str(lang) for lang in org.languages or []],
        "website": org.website,
        "email": org.email,
        "legal_form": org.legal_form,
        "siren": org.siren,
        "rna": org.rna,
        "source": org.source,
        "status": org.status,
        "last_verified_at": org.last_verified_at,
        "updated_at": org.updated_at,
    }
