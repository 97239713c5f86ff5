"""API v1: partner suggestions, with their reasons in French.

GET  /api/v1/organisations/{id}/suggestions?limit=10&other_world=true
POST /api/v1/suggestions  {"need": "nous cherchons…", "limit": 10}"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.models import Organisation
from passerelles.api.errors import errors
from passerelles.bridges.suggest import (
    MAX_LIMIT,
    Filters,
    suggestions_for_need,
    suggestions_for_organisation,
)
from passerelles.bridges.suggest.queries import MAX_NEED_CHARS

router = Router(tags=["suggestions"])


class SuggestedOrganisation(Schema):
    id: int
    name: str
    slug: str
    url: str
    family: str
    side: str


class SuggestionOut(Schema):
    organisation: SuggestedOrganisation
    score: float
    reasons: list[str]


class SuggestionList(Schema):
    items: list[SuggestionOut]


class SuggestionFilters(Schema):
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="Nombre de suggestions (1 à 50).")
    other_world: bool = Field(
        False, description="Seulement l'autre monde (ESS ↔ solidarité internationale)."
    )
    side: Side | None = Field(None, description="here (ici) ou there (là-bas).")
    department: str | None = Field(None, description="Code du département, ex. 41.")
    family: Family | None = Field(None, description="Famille d'acteurs.")

    def filters(self) -> Filters:
        return Filters(
            other_world=self.other_world,
            side=self.side.value if self.side else None,
            department=self.department or None,
            family=self.family.value if self.family else None,
        )


class NeedIn(SuggestionFilters):
    need: str = Field(
        ..., description="Ce que vous cherchez, en français.", max_length=MAX_NEED_CHARS
    )


def _items(request, suggestions) -> dict:
    return {
        "items": [
            {
                "organisation": {
                    "id": s.organisation.pk,
                    "name": s.organisation.name,
                    "slug": s.organisation.slug,
                    "url": request.build_absolute_uri(s.organisation.get_absolute_url()),
                    "family": s.organisation.family,
                    "side": s.organisation.side,
                },
                "score": s.score,
                "reasons": [str(r) for r in s.reasons],
            }
            for s in suggestions
        ]
    }


@router.get(
    "/organisations/{int:organisation_id}/suggestions",
    response={200: SuggestionList, **errors(404, 422)},
    summary="Partenaires suggérés pour une organisation",
)
def organisation_suggestions(
    request: HttpRequest, organisation_id: int, params: Query[SuggestionFilters]
):
    """Organisations qui pourraient devenir partenaires, avec leurs raisons ; 404 si
    l'organisation n'existe pas ou n'est pas publiée."""
    org = (
        Organisation.objects.filter(pk=organisation_id, status=Status.PUBLISHED)
        .prefetch_related("themes", "sdgs", "countries_of_action")
        .first()
    )
    if org is None:
        raise HttpError(404, _("Organisation introuvable ou non publiée."))
    return _items(request, suggestions_for_organisation(org, params.filters(), params.limit))


@router.post(
    "/suggestions",
    response={200: SuggestionList, **errors(422, write=True)},
    summary="Partenaires pour un besoin",
)
def need_suggestions(request: HttpRequest, payload: NeedIn):
    """Organisations qui répondent à un besoin décrit en français, avec leurs raisons."""
    if not payload.need.strip():
        raise HttpError(422, _("Décrivez votre besoin en quelques mots."))
    # A member is never suggested the organisations they act for.
    user = getattr(request, "user", None)
    mine = []
    if user is not None and user.is_authenticated:
        mine = list(Organisation.objects.filter(memberships__user=user, status=Status.PUBLISHED))
    suggestions = suggestions_for_need(
        payload.need,
        payload.filters(),
        payload.limit,
        asker=mine[0] if len(mine) == 1 else None,
        exclude={o.pk for o in mine},
    )
    return _items(request, suggestions)
