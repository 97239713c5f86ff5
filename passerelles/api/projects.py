"""Projects in the API: the published list, filtered like the web list (same filter form, same
French messages), one project, and writes (POST, PATCH) validated by the web editor's rules
(passerelles.projects.validation) and written through the projects' door, with exactly the
UI's permission rules (passerelles.projects.perms), applied to the user of the
personal token or of the session."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from passerelles.actors.enums import Family
from passerelles.api.errors import errors, shown
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.richtext import html_to_text
from passerelles.core.text_limits import field_limit
from passerelles.projects import perms
from passerelles.projects.enums import Instrument, ParticipationRole, PlaceSide, ProjectStatus
from passerelles.projects.filters import ProjectFilter
from passerelles.projects.models import Participation, Project, ProjectPlace
from passerelles.projects.services import save_project
from passerelles.projects.validation import (
    FundingLineRules,
    InvalidProject,
    NewOrganisationRules,
    ParticipationRules,
    PlaceHereRules,
    PlaceThereRules,
    validate_project,
)
from passerelles.vocab.models import Theme

MAX_PAGE = 100_000
PAGE_SIZE = 50

router = Router(tags=["projects"])


class ProjectFilters(Schema):
    q: str | None = Field(None, description="Recherche en texte intégral (français).")
    progress: ProjectStatus | None = Field(None, description="Avancement du projet.")
    theme: str | None = Field(None, description="Identifiant du thème, ex. sante.")
    sdg: int | None = Field(None, ge=1, le=17, description="Numéro d'ODD (1 à 17).")
    department: str | None = Field(None, description="Département d'un lieu ici, ex. 41.")
    country: str | None = Field(None, description="Pays d'un lieu là-bas (ISO 3166), ex. BF.")
    family: Family | None = Field(None, description="Famille d'un des participants.")
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description=f"Page de {PAGE_SIZE} résultats, à partir de 1."
    )


class ParticipationOut(Schema):
    organisation_id: int
    organisation: str
    role: ParticipationRole
    side: str
    note: str


class PlaceOut(Schema):
    side: PlaceSide
    commune: str | None
    department: str | None
    country: str | None
    locality: str
    lat: float | None
    lon: float | None


class FundingLineOut(Schema):
    funder: str
    amount: Decimal
    currency: str
    year: int | None
    instrument: Instrument


class ProjectOut(Schema):
    id: int
    slug: str
    title: str
    acronym: str
    summary: str
    project_status: ProjectStatus
    start_date: date | None
    end_date: date | None
    themes: list[str]
    countries: list[str] = Field(description="Pays des lieux là-bas (ISO 3166).")
    departments: list[str] = Field(description="Départements des lieux ici.")
    url: str


class ProjectList(Schema):
    count: int
    items: list[ProjectOut]


class ProjectDetail(ProjectOut):
    status: str
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
    participations: list[ParticipationOut]
    places: list[PlaceOut]
    funding_lines: list[FundingLineOut]
    sdg_targets: list[str]
    dac_sectors: list[str]
    website: str
    iati_identifier: str
    source: str
    updated_at: datetime


def _limit(rules, name: str) -> int:
    """The length the editor's form allows for this value (projects/validation.py)."""
    return rules.base_fields[name].max_length


class ParticipationIn(Schema):
    organisation: int = Field(description="Identifiant de l'organisation dans l'annuaire.")
    role: ParticipationRole
    note: str = Field("", max_length=_limit(ParticipationRules, "note"))


class NewOrganisationIn(Schema):
    name: str = Field(max_length=_limit(NewOrganisationRules, "name"))
    family: Family | None = Field(None, description="Vide pour une organisation à l'étranger.")
    country: str = Field("FR", description="Code ISO 3166 du pays.")
    commune: str = Field(
        "",
        max_length=_limit(NewOrganisationRules, "commune"),
        description="En France : nom ou code INSEE de la commune.",
    )
    locality: str = Field(
        "",
        max_length=_limit(NewOrganisationRules, "locality"),
        description="À l'étranger : ville ou village.",
    )
    role: ParticipationRole
    invite_email: str = Field("", description="Invitation à compléter la fiche (facultatif).")


class PlaceIn(Schema):
    side: PlaceSide
    commune: str | None = Field(
        None,
        max_length=_limit(PlaceHereRules, "commune_text"),
        description="Ici : nom ou code INSEE de la commune.",
    )
    department: str | None = Field(None, description="Ici : code du département entier.")
    country: str | None = Field(None, description="Là-bas : code ISO 3166 du pays.")
    locality: str = Field(
        "",
        max_length=_limit(PlaceThereRules, "locality"),
        description="Là-bas : localité, géocodée hors ligne.",
    )


class FundingLineIn(Schema):
    funder_name: str = Field(max_length=_limit(FundingLineRules, "funder_name"))
    amount: Decimal
    currency: str = "EUR"
    year: int | None = None
    instrument: Instrument = Instrument.GRANT


class ProjectPatch(Schema):
    """Every key is optional; a list given replaces the whole list."""

    title: str | None = Field(None, max_length=field_limit(Project, "title"))
    acronym: str | None = Field(None, max_length=field_limit(Project, "acronym"))
    summary: str | None = Field(None, max_length=field_limit(Project, "summary"))
    description: str | None = Field(
        None,
        max_length=field_limit(Project, "description"),
        description=(
            "Texte mis en forme en Markdown (ou HTML simple), assaini. La limite vaut pour le "
            "texte envoyé et pour le HTML enregistré, balises comprises."
        ),
    )
    project_status: ProjectStatus | None = None
    start_date: date | None = None
    end_date: date | None = None
    website: str | None = None
    iati_identifier: str | None = None
    status: str | None = Field(None, description="Publication ; équipe du réseau seulement.")
    themes: list[str] | None = Field(None, description="Identifiants de thèmes.")
    sdg_targets: list[str] | None = Field(None, description="Codes de cibles ODD, ex. 6.1.")
    dac_sectors: list[str] | None = Field(None, description="Codes CAD à 5 chiffres.")
    participations: list[ParticipationIn] | None = None
    new_organisations: list[NewOrganisationIn] | None = Field(
        None, description="Organisations absentes de l'annuaire, créées en attente de modération."
    )
    places: list[PlaceIn] | None = None
    funding_lines: list[FundingLineIn] | None = None


class ProjectIn(ProjectPatch):
    title: str = Field(max_length=field_limit(Project, "title"))


def _details(project: Project):
    return Project.objects.prefetch_related(
        "themes",
        "sdg_targets",
        "dac_sectors",
        "funding_lines",
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("organisation").order_by("role", "pk"),
        ),
        Prefetch("places", queryset=ProjectPlace.objects.select_related("commune", "department")),
    ).get(pk=project.pk)


def _item(request: HttpRequest, project: Project) -> dict:
    places = project.places.all()
    return {
        "id": project.pk,
        "slug": project.slug,
        "title": project.title,
        "acronym": project.acronym,
        "summary": project.summary,
        "project_status": project.project_status,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "themes": [t.slug for t in project.themes.all()],
        "countries": sorted({p.country_id for p in places if p.side == PlaceSide.THERE}),
        "departments": sorted(
            {p.department_id for p in places if p.side == PlaceSide.HERE and p.department_id}
        ),
        "url": request.build_absolute_uri(project.get_absolute_url()),
    }


def _detail(request: HttpRequest, project: Project) -> dict:
    return {
        **_item(request, project),
        "status": project.status,
        "description": project.description,
        "description_text": html_to_text(project.description),
        "participations": [
            {
                "organisation_id": p.organisation_id,
                "organisation": str(p.organisation),
                "role": p.role,
                "side": p.organisation.side,
                "note": p.note,
            }
            for p in project.participations.all()
        ],
        "places": [
            {
                "side": p.side,
                "commune": p.commune_id,
                "department": p.department_id,
                "country": p.country_id,
                "locality": p.locality,
                "lat": p.lat,
                "lon": p.lon,
            }
            for p in project.places.all()
        ],
        "funding_lines": [
            {
                "funder": f.funder_label,
                "amount": f.amount,
                "currency": f.currency,
                "year": f.year,
                "instrument": f.instrument,
            }
            for f in project.funding_lines.all()
        ],
        "sdg_targets": [t.code for t in project.sdg_targets.all()],
        "dac_sectors": [s.code for s in project.dac_sectors.all()],
        "website": project.website,
        "iati_identifier": project.iati_identifier,
        "source": project.source,
        "updated_at": project.updated_at,
    }


@router.get("/projects", response={200: ProjectList, **errors(422)}, summary="Lister les projets")
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]):
    """Projets publiés, filtrés ; par pertinence quand `q` est donné, par titre sinon."""
    params = {
        name: str(value)
        for name, value in filters.dict(exclude={"page"}).items()
        if value is not None and value != ""
    }
    projects = ProjectFilter(params, forgive=True)
    if projects.errors:
        raise HttpError(422, " ".join(projects.errors))
    results = projects.results()
    count = results.order_by().count()
    start = (filters.page - 1) * PAGE_SIZE
    page = results.prefetch_related(
        "themes",
        Prefetch(
            "places",
            queryset=ProjectPlace.objects.only("project_id", "side", "country_id", "department_id"),
        ),
    )[start : start + PAGE_SIZE]
    return {"count": count, "items": [_item(request, p) for p in page]}


@router.get(
    "/projects/{int:project_id}", response={200: ProjectDetail, **errors(404)}, summary="Un projet"
)
def get_project(request: HttpRequest, project_id: int):
    """Un projet publié (ou non publié, pour l'équipe du réseau et les membres de ses
    participants) ; 404 sinon."""
    project = get_object_or_404(Project, pk=project_id)
    if not perms.can_view_project(request.user, project):
        raise HttpError(404, _("Ressource introuvable."))
    return _detail(request, _details(project))


def _save(request: HttpRequest, payload: dict, project: Project | None) -> Project:
    """Validate with the editor's rules (passerelles.projects.validation), write through the
    projects' door (services.save_project → actions)."""
    if "status" in payload and not perms.can_change_publication(request.user, project):
        raise HttpError(403, _("Seule l'équipe du réseau change la publication d'un projet."))
    if "themes" in payload:
        slugs = list(payload["themes"] or [])
        found = dict(Theme.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise HttpError(422, _("Thème inconnu : « %(value)s ».") % {"value": shown(unknown[0])})
        payload = {**payload, "themes": [str(found[s]) for s in slugs]}
    try:
        data, new_organisations = validate_project(payload, project=project, user=request.user)
    except InvalidProject as error:
        raise HttpError(422, str(error)) from None
    base_url = request.build_absolute_uri("/").rstrip("/")
    project, _created = save_project(
        project,
        data,
        new_organisations,
        origin=Origin(request.user, ChangeSource.API),
        base_url=base_url,
    )
    return project


def _require_login(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise HttpError(
            401,
            _("Authentification requise : jeton personnel (Authorization: Bearer …) ou session."),
        )


@router.post(
    "/projects", response={201: ProjectDetail, **errors(422, write=True)}, summary="Créer un projet"
)
def create_project(request: HttpRequest, body: ProjectIn):
    """Créer un projet. Réservé à l'équipe du réseau et aux membres ou partenaires à l'étranger
    qui agissent pour une organisation, nommée comme porteur ou partenaire du projet."""
    _require_login(request)
    if not perms.can_create_project(request.user):
        raise HttpError(
            403,
            _(
                "Votre compte doit être rattaché à une organisation de l'annuaire pour créer "
                "un projet."
            ),
        )
    project = _save(request, body.dict(exclude_unset=True), None)
    return Status(201, _detail(request, _details(project)))


@router.patch(
    "/projects/{int:project_id}",
    response={200: ProjectDetail, **errors(404, 422, write=True)},
    summary="Modifier un projet",
)
def update_project(request: HttpRequest, project_id: int, body: ProjectPatch):
    """Modifier un projet : les clés données remplacent les valeurs (une liste donnée remplace
    toute la liste). Réservé à l'équipe du réseau et aux membres du porteur ou d'un partenaire."""
    _require_login(request)
    project = get_object_or_404(Project, pk=project_id)
    if not perms.can_view_project(request.user, project):
        raise HttpError(404, _("Ressource introuvable."))
    if not perms.can_edit_project(request.user, project):
        raise HttpError(
            403,
            _(
                "Seuls les membres du porteur ou d'un partenaire du projet, et l'équipe du "
                "réseau, peuvent le modifier."
            ),
        )
    project = _save(request, body.dict(exclude_unset=True), project)
    return _detail(request, _details(project))
