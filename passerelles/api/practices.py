"""Practice sheets (transferable solutions) in the API: the list, with the web's filters and
rules (passerelles.practices.perms): published sheets for everyone, a person's own proposals
too, and every sheet for staff."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from passerelles.api.errors import errors
from passerelles.core.richtext import html_to_text
from passerelles.practices import queries
from passerelles.practices.models import Practice

router = Router(tags=["practices"])
PAGE_SIZE = 50
MAX_PAGE = 1000


class PracticeFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Mots cherchés (français).")
    theme: str | None = Field(None, max_length=60, description="Identifiant du thème, ex. eau.")
    country: str | None = Field(
        None, max_length=2, description="Pays (ISO 3166) où cela s'est passé ou pourrait servir."
    )
    side: str | None = Field(None, pattern="^(here|there)$", description="here (ici) ou there.")
    page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page de {PAGE_SIZE} fiches, dès 1.")


class PracticeCost(Schema):
    amount: int | None
    currency: str
    text: str


class PracticeOut(Schema):
    slug: str
    title: str
    status: str = Field(description="published, pending, refused ou archived.")
    side: str = Field(description="here (ici) ou there (là-bas).")
    commune: str | None = Field(description="Code INSEE de la commune, ici.")
    country: str | None = Field(description="Code ISO 3166 du pays, là-bas.")
    locality: str
    problem: str
    context: str
    what_was_done: str = Field(description="Texte brut (sans balises).")
    cost: PracticeCost
    what_worked: str
    what_did_not: str
    contacts: str
    themes: list[str]
    countries: list[str] = Field(description="Pays où la solution pourrait servir (ISO 3166).")
    organisation_ids: list[int]
    project_slugs: list[str]
    url: str
    created_at: datetime


class PracticeList(Schema):
    count: int
    items: list[PracticeOut]


def _item(request: HttpRequest, p: Practice) -> dict:
    return {
        "slug": p.slug,
        "title": p.title,
        "status": p.status,
        "side": p.side,
        "commune": p.commune_id,
        "country": p.country_id,
        "locality": p.locality,
        "problem": p.problem,
        "context": p.context,
        "what_was_done": html_to_text(p.what_was_done),
        "cost": {
            "amount": None if p.cost_amount is None else int(p.cost_amount),
            "currency": p.cost_currency if p.cost_amount is not None else "",
            "text": p.cost_text,
        },
        "what_worked": p.what_worked,
        "what_did_not": p.what_did_not,
        "contacts": p.contacts,
        "themes": [t.slug for t in p.themes.all()],
        "countries": [c.code for c in p.countries.all()],
        "organisation_ids": [o.pk for o in p.organisations.all()],
        "project_slugs": [pr.slug for pr in p.projects.all()],
        "url": request.build_absolute_uri(p.get_absolute_url()),
        "created_at": p.created_at,
    }


@router.get(
    "/practices",
    response={200: PracticeList, **errors(422)},
    summary="Lister les fiches pratiques (solutions transférables)",
)
def list_practices(request: HttpRequest, filters: Query[PracticeFilters]):
    """Fiches publiées, les plus récentes d'abord ; connecté, vos propositions en plus ;
    l'équipe du réseau voit toutes les fiches."""
    qs = queries.filtered(
        Practice.objects.visible_to(request.user),
        q=filters.q or "",
        theme=filters.theme or "",
        country=filters.country or "",
        side=filters.side or "",
    )
    count = qs.order_by().count()
    start = (filters.page - 1) * PAGE_SIZE
    page = queries.with_links(qs.order_by("-created_at", "-pk"))[start : start + PAGE_SIZE]
    return {"count": count, "items": [_item(request, p) for p in page]}
