"""Small-grant rounds in the API: public information and, once results are published, the
winners. Applications, scores and comments are never served here (grants.perms)."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from passerelles.api.errors import errors
from passerelles.grants.models import Round

router = Router(tags=["grants"])


class CriterionOut(Schema):
    label: str
    weight: int


class WinnerOut(Schema):
    organisation: str
    partner: str | None
    title: str
    amount_granted: Decimal


class GrantRoundOut(Schema):
    id: int
    title: str
    deadline: datetime
    is_open: bool
    budget: Decimal
    amount_max: Decimal | None
    min_cofunding: int
    eligible_families: list[str]
    decided_at: datetime | None
    url: str


class GrantRoundDetail(GrantRoundOut):
    description: str
    criteria: list[CriterionOut]
    winners: list[WinnerOut]


def _item(request, grant_round: Round) -> dict:
    call = grant_round.call
    return {
        "id": grant_round.pk,
        "title": call.title,
        "deadline": grant_round.deadline,
        "is_open": grant_round.is_open,
        "budget": grant_round.budget,
        "amount_max": call.amount_max,
        "min_cofunding": grant_round.min_cofunding,
        "eligible_families": list(call.eligible_families),
        "decided_at": grant_round.decided_at,
        "url": request.build_absolute_uri(grant_round.get_absolute_url()),
    }


@router.get(
    "/grants/rounds",
    response={200: list[GrantRoundOut], **errors()},
    summary="Lister les appels à petites subventions du réseau",
)
def list_rounds(request: HttpRequest):
    """Appels du réseau, le plus récent d'abord."""
    return [_item(request, r) for r in Round.objects.select_related("call")[:200]]


@router.get(
    "/grants/rounds/{int:round_id}",
    response={200: GrantRoundDetail, **errors(404)},
    summary="Un appel, sa grille et ses lauréats (après publication des résultats)",
)
def round_detail(request: HttpRequest, round_id: int):
    grant_round = Round.objects.select_related("call").filter(pk=round_id).first()
    if grant_round is None:
        raise HttpError(404, _("Aucun appel à petites subventions n'a ce numéro."))
    item = _item(request, grant_round)
    item["description"] = grant_round.call.description
    item["criteria"] = [{"label": c.label, "weight": c.weight} for c in grant_round.criteria.all()]
    winners = []
    if grant_round.is_decided:
        for a in grant_round.applications.granted().select_related("organisation", "partner"):
            winners.append(
                {
                    "organisation": a.organisation.name,
                    "partner": a.partner.name if a.partner_id else None,
                    "title": a.title,
                    "amount_granted": a.amount_granted,
                }
            )
    item["winners"] = winners
    return item
