"""Writing organisations through the API: the same rules (passerelles.actors.validation), the
same door (passerelles.actors.actions) and the same permissions (passerelles.actors.perms) as
the web pages, for the user of the personal token or of the session.

- POST: network staff create a published organisation; anyone else signed in proposes one,
  which waits pending in the moderation queue with its proposal, like the web form's.
Operations are added to the organisations' router (one router per path: the reads and the
writes of /organisations share it).
- PATCH: staff and the organisation's own members change the keys they give; others are told
  to suggest a correction on the organisation's page."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from passerelles.actors import actions, perms
from passerelles.actors.enums import Family
from passerelles.actors.models import Organisation
from passerelles.actors.validation import InvalidOrganisation, validate_organisation
from passerelles.api.errors import errors, shown
from passerelles.api.organisations import OrganisationDetail, detail, router
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.text_limits import field_limit
from passerelles.vocab.models import Theme


def _limit(name: str) -> int:
    return field_limit(Organisation, name)


class OrganisationPatch(Schema):
    """Every key is optional; a list given replaces the whole list."""

    name: str | None = Field(None, max_length=_limit("name"))
    acronym: str | None = Field(None, max_length=_limit("acronym"))
    family: Family | None = Field(None, description="Famille d'acteurs.")
    is_ess: bool | None = Field(None, description="Économie sociale et solidaire.")
    is_si: bool | None = Field(None, description="Solidarité internationale.")
    legal_form: str | None = Field(None, description="Catégorie juridique INSEE, 4 chiffres.")
    siren: str | None = None
    siret: str | None = None
    rna: str | None = Field(None, description="W suivi de 9 caractères.")
    mission: str | None = Field(
        None, max_length=_limit("mission"), description="En une phrase, texte simple."
    )
    description: str | None = Field(
        None,
        max_length=_limit("description"),
        description=(
            "Texte mis en forme en Markdown (ou HTML simple), assaini. La limite vaut pour le "
            "texte envoyé et pour le HTML enregistré, balises comprises."
        ),
    )
    offers: str | None = Field(
        None,
        max_length=_limit("offers"),
        description="Ce que l'organisation propose, texte simple.",
    )
    needs: str | None = Field(
        None, max_length=_limit("needs"), description="Ce qu'elle cherche, texte simple."
    )
    themes: list[str] | None = Field(None, description="Identifiants de thèmes, ex. sante.")
    sdgs: list[int] | None = Field(None, description="Numéros d'ODD (1 à 17).")
    countries_of_action: list[str] | None = Field(None, description="Codes ISO 3166.")
    address: str | None = Field(None, max_length=_limit("address"))
    postcode: str | None = None
    commune: str | None = Field(None, description="En France : nom ou code INSEE.")
    country: str | None = Field(None, description="Code ISO 3166 du pays du siège.")
    locality: str | None = Field(
        None, max_length=_limit("locality"), description="À l'étranger : ville ou village."
    )
    website: str | None = None
    email: str | None = None
    phone: str | None = None


class OrganisationIn(OrganisationPatch):
    name: str = Field(max_length=_limit("name"))
    family: Family
    country: str = "FR"


def _form_data(payload: dict) -> dict:
    """JSON values → the values the rules read (keys for relations, booleans as they are)."""
    data = {}
    for name, value in payload.items():
        if value is None:
            value = [] if name in ("themes", "sdgs", "countries_of_action") else ""
        if name == "themes":
            found = dict(Theme.objects.filter(slug__in=value).values_list("slug", "pk"))
            unknown = [slug for slug in value if slug not in found]
            if unknown:
                raise HttpError(
                    422, _("Thème inconnu : « %(value)s ».") % {"value": shown(unknown[0])}
                )
            value = [str(found[slug]) for slug in value]
        elif name in ("sdgs", "countries_of_action"):
            value = [str(item).upper() for item in value]
        elif name == "country":
            value = str(value).upper()
        elif name in ("family",):
            value = str(value)
        data[name] = value
    return data


def _require_login(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise HttpError(
            401,
            _("Authentification requise : jeton personnel (Authorization: Bearer …) ou session."),
        )


def _validated(payload: dict, instance=None) -> dict:
    try:
        return validate_organisation(_form_data(payload), instance=instance)
    except InvalidOrganisation as error:
        raise HttpError(422, str(error)) from None


@router.post(
    "/organisations",
    response={201: OrganisationDetail, **errors(422, write=True)},
    summary="Créer une organisation",
)
def create_organisation(request: HttpRequest, body: OrganisationIn):
    """Créer une organisation. L'équipe du réseau la publie directement ; pour toute autre
    personne connectée, elle attend la modération (statut `pending`), comme une proposition
    faite sur le site."""
    _require_login(request)
    data = _validated(body.dict(exclude_none=True))
    origin = Origin(request.user, ChangeSource.API)
    if perms.can_moderate(request.user):
        org = actions.create_organisation(data, origin=origin)
    else:
        org = actions.create_organisation(
            data,
            origin=origin.saying(_("Proposition par l'API")),
            status="pending",
            message=_("Proposée par l'API."),
        )
    return Status(201, detail(request, _for_detail(org)))


@router.patch(
    "/organisations/{int:organisation_id}",
    response={200: OrganisationDetail, **errors(404, 422, write=True)},
    summary="Modifier une organisation",
)
def update_organisation(request: HttpRequest, organisation_id: int, body: OrganisationPatch):
    """Modifier une organisation : les clés données remplacent les valeurs (une liste donnée
    remplace toute la liste). Réservé à l'équipe du réseau et aux membres de l'organisation ;
    les autres proposent une correction depuis sa page."""
    _require_login(request)
    org = get_object_or_404(Organisation, pk=organisation_id)
    if not perms.can_view_organisation(request.user, org):
        raise HttpError(404, _("Ressource introuvable."))
    if not perms.can_edit_organisation(request.user, org):
        raise HttpError(
            403,
            _(
                "Seuls les membres de l'organisation et l'équipe du réseau peuvent la modifier ; "
                "proposez une correction depuis sa page."
            ),
        )
    changes = _validated(body.dict(exclude_unset=True), instance=org)
    org = actions.update_organisation(org, changes, origin=Origin(request.user, ChangeSource.API))
    return detail(request, _for_detail(org))


def _for_detail(org: Organisation) -> Organisation:
    return (
        Organisation.objects.select_related("commune")
        .prefetch_related("themes", "sdgs", "countries_of_action")
        .get(pk=org.pk)
    )
