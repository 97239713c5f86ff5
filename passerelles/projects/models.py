"""Projects linking organisations here and there (DESIGN §3).

A project has participations (organisation + role), places here (commune or department) and
there (country + locality, geocoded offline), funding lines, vocabularies (themes, SDG targets,
DAC sectors), a publication status shared with organisations, provenance and a change history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Side, Status
from passerelles.core.collation import sort_key
from passerelles.core.door import GuardedQuerySet
from passerelles.core.history import AbstractChangeRecord
from passerelles.core.richtext import sanitise_html
from passerelles.core.slugs import slug_base, unique_slug
from passerelles.core.text_limits import RICH_TEXT
from passerelles.projects.enums import Instrument, ParticipationRole, PlaceSide, ProjectStatus

RESERVED_SLUGS = {"nouveau", "organisations"}


class ProjectQuerySet(GuardedQuerySet, models.QuerySet):
    """Rows are written by passerelles.projects.actions only (GuardedQuerySet checks it)."""

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def involving(self, organisation):
        # A subquery rather than a join: no duplicate rows, no DISTINCT, still composable.
        ids = Participation.objects.filter(organisation=organisation).values("project_id")
        return self.filter(pk__in=ids)

    def in_country(self, country_code: str):
        """Projects with a place there in this country (ISO 3166 alpha-2)."""
        ids = ProjectPlace.objects.filter(side=PlaceSide.THERE, country_id=country_code)
        return self.filter(pk__in=ids.values("project_id"))

    def in_department(self, code: str):
        # A place here is a commune or a whole department; derive() copies a commune's
        # department onto the place, so one column answers both.
        ids = ProjectPlace.objects.filter(side=PlaceSide.HERE, department_id=code)
        return self.filter(pk__in=ids.values("project_id"))

    def editable_by(self, user):
        """Staff edit every project; a member or partner abroad edits the projects whose lead
        or a partner is an organisation they act for (the rule of perms.can_edit_project)."""
        from passerelles.projects.enums import EDITING_ROLES
        from passerelles.users.enums import NetworkRole

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_network_staff:
            return self.all()
        if user.role not in (NetworkRole.MEMBER, NetworkRole.PARTNER_ABROAD):
            return self.none()
        # Role and membership on the same participation row (one filter() call, one join).
        ids = Participation.objects.filter(
            role__in=EDITING_ROLES, organisation__memberships__user=user
        ).values("project_id")
        return self.filter(pk__in=ids)

    def visible_to(self, user):
        """Published projects are public; others are seen by staff and by their participants'
        members."""
        if user.is_authenticated and user.is_network_staff:
            return self.all()
        if not user.is_authenticated:
            return self.published()
        mine = Participation.objects.filter(organisation__memberships__user=user)
        return self.filter(Q(status=Status.PUBLISHED) | Q(pk__in=mine.values("project_id")))

    def for_cards(self):
        """What a list of project cards shows, in a fixed number of queries."""
        return self.prefetch_related(
            "themes",
            models.Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation").order_by(
                    "role", "pk"
                ),
            ),
            models.Prefetch(
                "places",
                queryset=ProjectPlace.objects.select_related("commune", "department", "country"),
            ),
        )


class RowQuerySet(GuardedQuerySet, models.QuerySet):
    """A project's participations, places and funding lines are written with the project,
    by passerelles.projects.actions only (GuardedQuerySet checks bulk writes; the door's
    guard checks saves)."""


class Project(models.Model):
    title = models.CharField(_("titre"), max_length=250)
    # The title without accents or case, for the French alphabetical order (core.collation).
    sort_title = models.CharField(max_length=250, default="", editable=False)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=260, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    summary = models.CharField(_("résumé en une phrase"), max_length=400, blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=RICH_TEXT)
    project_status = models.CharField(
        _("avancement"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.IDEA
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    themes = models.ManyToManyField(
        "vocab.Theme", verbose_name=_("thématiques"), blank=True, related_name="projects"
    )
    sdg_targets = models.ManyToManyField(
        "vocab.SdgTarget", verbose_name=_("cibles ODD"), blank=True, related_name="projects"
    )
    dac_sectors = models.ManyToManyField(
        "vocab.DacSector", verbose_name=_("secteurs CAD"), blank=True, related_name="projects"
    )
    # IATI publishers often give only the 3-digit DAC category (vocabulary 2) of a sector.
    dac_categories = models.ManyToManyField(
        "vocab.DacCategory",
        verbose_name=_("catégories CAD"),
        blank=True,
        related_name="projects",
    )
    iati_identifier = models.CharField(_("identifiant IATI"), max_length=150, blank=True)
    # The publisher of an activity imported from IATI (its reporting-org): an IATI identifier
    # starts with its reporting organisation's ref, so our export writes the activity under
    # its own publisher again, never under ours. Empty for the network's own projects.
    iati_reporting_ref = models.CharField(
        _("identifiant IATI de l'organisation déclarante"), max_length=100, blank=True
    )
    iati_reporting_name = models.CharField(
        _("organisation déclarante IATI"), max_length=200, blank=True
    )
    iati_reporting_type = models.CharField(
        _("type de l'organisation déclarante IATI"), max_length=4, blank=True
    )
    website = models.URLField(_("site web"), blank=True)

    status = models.CharField(
        _("publication"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    source = models.CharField(_("source"), max_length=30, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=150, blank=True)
    imported_at = models.DateTimeField(_("importé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["sort_title", "title"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        indexes = [
            models.Index(fields=["status", "project_status"], name="projects_status"),
            models.Index(fields=["sort_title", "title"], name="projects_sort_title"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"],
                condition=~Q(iati_identifier=""),
                name="%(app_label)s_%(class)s_unique_iati_identifier",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="%(app_label)s_%(class)s_unique_source_id",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    # What follows from the data: set by derive(), which the actions (passerelles.projects.
    # actions) call before every write, single or bulk, and nowhere else.
    DERIVED_FIELDS = ("sort_title", "description", "slug")

    def derive(self, *, with_slug: bool = True) -> None:
        """The sort key, the description sanitised, a unique slug (unless `with_slug` is
        False: bulk writers allocate slugs for a whole batch)."""
        self.description = sanitise_html(self.description)
        self.sort_title = sort_key(self.title)[:250]
        if with_slug and not self.slug:
            self.slug = unique_slug(
                Project, self.slug_base(), exclude_pk=self.pk, reserved=RESERVED_SLUGS
            )

    def slug_base(self) -> str:
        # Words the project URLs use for pages ("nouveau", "organisations") are not slugs
        # (RESERVED_SLUGS, given to unique_slug and allocate_slugs).
        return slug_base(self.acronym or self.title, "projet", 240)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin du projet précède son début.")})

    @property
    def leads(self):
        return [
            p.organisation for p in self.participations.all() if p.role == ParticipationRole.LEAD
        ]

    # The helpers below read prefetched rows (.all()), so a page of cards costs no extra query.

    def participations_by_side(self) -> tuple[list, list]:
        """(here, there): participations grouped by where the organisation is, whatever its
        role, so a funder abroad appears with the partners there."""
        here, there = [], []
        order = {role: i for i, role in enumerate(ParticipationRole.values)}
        participations = sorted(self.participations.all(), key=lambda p: order.get(p.role, 99))
        for participation in participations:
            side = there if participation.organisation.side == Side.THERE else here
            side.append(participation)
        return here, there

    @property
    def places_here(self) -> list:
        return [p for p in self.places.all() if p.side == PlaceSide.HERE]

    @property
    def places_there(self) -> list:
        return [p for p in self.places.all() if p.side == PlaceSide.THERE]

    @property
    def countries_there(self) -> list:
        seen, out = set(), []
        for place in self.places_there:
            if place.country_id not in seen:
                seen.add(place.country_id)
                out.append(place.country)
        return out


class Participation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        # Organisations are archived rather than deleted; a deletion (the demo replaced, a
        # merge's loser) takes its participations along, and the history keeps the record.
        on_delete=models.CASCADE,
        related_name="participations",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=ParticipationRole.choices)
    note = models.CharField(_("précision"), max_length=200, blank=True)

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["project", "role", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"],
                name="%(app_label)s_%(class)s_unique_role",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()}"


class ProjectPlace(models.Model):
    """A place of the project: here a commune or a whole department; there a country and,
    when known, a locality geocoded offline (lat/lon stay empty when it was not found)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="places")
    side = models.CharField(_("ici ou là-bas"), max_length=5, choices=PlaceSide.choices)
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "geo.Department",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    country = models.ForeignKey(
        "geo.Country", verbose_name=_("pays"), null=True, blank=True, on_delete=models.PROTECT
    )
    locality = models.CharField(_("localité"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["project", "side", "pk"]
        verbose_name = _("lieu du projet")
        verbose_name_plural = _("lieux du projet")
        constraints = [
            # Here: a commune or a department, never a foreign country. There: a country.
            models.CheckConstraint(
                condition=(
                    Q(side="here")
                    & (Q(commune__isnull=False) | Q(department__isnull=False))
                    & (Q(country__isnull=True) | Q(country="FR"))
                )
                | (Q(side="there") & Q(country__isnull=False) & Q(commune__isnull=True)),
                name="%(app_label)s_%(class)s_side_consistent",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | (Q(lat__gte=-90) & Q(lat__lte=90)),
                name="%(app_label)s_%(class)s_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lon__isnull=True) | (Q(lon__gte=-180) & Q(lon__lte=180)),
                name="%(app_label)s_%(class)s_lon_range",
            ),
        ]

    def __str__(self):
        return self.label

    def derive(self) -> None:
        """Here, a commune gives its department and, without a point, its town hall's; there,
        no commune nor department. Geocoding a locality abroad is the actions' (it may fail,
        and the editor says so)."""
        if self.side == PlaceSide.HERE:
            self.country_id = None
            if self.commune_id:
                commune = self.commune
                self.department_id = commune.department_id
                if self.lat is None and commune.lat is not None:
                    self.lat, self.lon = commune.lat, commune.lon
        else:
            self.commune_id = None
            self.department_id = None

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def label(self) -> str:
        if self.side == PlaceSide.HERE:
            if self.commune_id:
                return f"{self.commune.name} ({self.commune.department_id})"
            return str(self.department) if self.department_id else ""
        parts = [self.locality, self.country.name if self.country_id else ""]
        return ", ".join(p for p in parts if p)


class FundingLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding_lines")
    funder = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("financeur (annuaire)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_lines",
    )
    # A funder outside the directory (a ministry, the EU) is named in words; a funder from the
    # directory has its name copied here (derive()), so the line survives the funder's deletion.
    funder_name = models.CharField(_("financeur"), max_length=200, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    instrument = models.CharField(
        _("instrument"), max_length=12, choices=Instrument.choices, default=Instrument.GRANT
    )

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["project", "year", "pk"]
        verbose_name = _("ligne de financement")
        verbose_name_plural = _("lignes de financement")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(funder__isnull=False) | ~Q(funder_name=""),
                name="%(app_label)s_%(class)s_funder_named",
            ),
        ]

    def __str__(self):
        return f"{self.funder_label} — {self.amount} {self.currency}"

    def derive(self) -> None:
        """A funder from the directory has its name copied, so the line survives its
        deletion."""
        if self.funder_id and not self.funder_name:
            self.funder_name = str(self.funder)[:200]

    @property
    def funder_label(self) -> str:
        return str(self.funder) if self.funder_id else self.funder_name


class ProjectChangeRecord(AbstractChangeRecord):
    """Append-only history of a project (the shared implementation: core.history)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history")

    class Meta(AbstractChangeRecord.Meta):
        verbose_name = _("modification de projet")
        verbose_name_plural = _("historique des projets")

    def __str__(self):
        return f"{self.get_action_display()} — {self.project} — {self.at:%Y-%m-%d %H:%M}"
