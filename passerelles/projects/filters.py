"""The project list's filters, shared by the page and the API (like passerelles.actors.filters
for the directory): `ProjectFilter(data)` validates a query string with French messages,
`results()` applies it to the published projects, `facets()` counts for each filter how many
results each of its values would give, ignoring its own filter but honouring the others.

Every filter on a related table (themes, SDG targets, places, participants) is a
`pk IN (subquery)`: no row multiplication, no DISTINCT, exact grouped counts; each facet is one
grouped query, never one per value."""

from django import forms
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family
from passerelles.core.collation import sort_key
from passerelles.core.columns import InMemoryPath
from passerelles.core.facets import ChoicesField, Facet, FacetOption, query_data
from passerelles.geo.models import Country, Department
from passerelles.projects import snapshot
from passerelles.projects.enums import PlaceSide, ProjectStatus
from passerelles.projects.models import Participation, Project, ProjectPlace
from passerelles.projects.search import INDEX, forgiving_search, search
from passerelles.vocab.models import SdgGoal, Theme, goal_title

FACETS = ("progress", "theme", "sdg", "department", "country", "family")

ThemeLink = Project.themes.through
TargetLink = Project.sdg_targets.through


class ProjectFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("La recherche est limitée à 200 caractères.")},
    )
    progress = ChoicesField(
        label=_("Avancement"),
        choices=ProjectStatus.choices,
        unknown=_("Avancement inconnu : « %(value)s »."),
    )
    theme = ChoicesField(label=_("Thème"), unknown=_("Thème inconnu : « %(value)s »."))
    sdg = ChoicesField(
        label=_("Objectif de développement durable (ODD)"),
        unknown=_("ODD inconnu : « %(value)s » (numéro de 1 à 17)."),
    )
    department = ChoicesField(
        label=_("Département (ici)"), unknown=_("Département inconnu : « %(value)s ».")
    )
    country = ChoicesField(
        label=_("Pays (là-bas)"),
        unknown=_("Pays inconnu : « %(value)s » (code ISO à deux lettres, ex. SN)."),
    )
    family = ChoicesField(
        label=_("Famille des participants"),
        choices=Family.choices,
        unknown=_("Famille d'acteurs inconnue : « %(value)s »."),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        region = settings.PASSERELLES_REGION_CODE
        used = ProjectPlace.objects.filter(side=PlaceSide.HERE).values("department_id")
        self.departments = list(
            Department.objects.filter(Q(region_id=region) | Q(code__in=used)).values_list(
                "code", "name", "region_id"
            )
        )
        self.fields["department"].choices = [(c, f"{n} ({c})") for c, n, _r in self.departments]
        self.region_departments = {c for c, _n, r in self.departments if r == region}
        self.countries = list(Country.objects.values_list("code", "name_fr", "name_en"))
        self.fields["country"].choices = [(c, fr) for c, fr, _en in self.countries]
        self.themes = list(Theme.objects.active().values_list("slug", "name_fr", "name_en"))
        self.fields["theme"].choices = [(s, fr) for s, fr, _en in self.themes]
        self.sdgs = list(SdgGoal.objects.values_list("code", "name_fr", "name_en"))
        self.fields["sdg"].choices = [(str(c), fr) for c, fr, _en in self.sdgs]


def _apply(qs: QuerySet, data: dict, skip: str | None = None) -> QuerySet:
    """Every filter of `data` but `skip`: values of one filter are alternatives (OR), filters
    all apply (AND)."""
    if skip != "progress" and data.get("progress"):
        qs = qs.filter(project_status__in=data["progress"])
    if skip != "theme" and data.get("theme"):
        linked = ThemeLink.objects.filter(theme__slug__in=data["theme"])
        qs = qs.filter(pk__in=linked.values("project_id"))
    if skip != "sdg" and data.get("sdg"):
        # Projects record SDG targets; a goal is chosen through any of its targets.
        goals = [int(c) for c in data["sdg"]]
        linked = TargetLink.objects.filter(sdgtarget__goal_id__in=goals)
        qs = qs.filter(pk__in=linked.values("project_id"))
    if skip != "department" and data.get("department"):
        # save() copies a commune's department onto the place: one column for both kinds.
        places = ProjectPlace.objects.filter(
            side=PlaceSide.HERE, department_id__in=data["department"]
        )
        qs = qs.filter(pk__in=places.values("project_id"))
    if skip != "country" and data.get("country"):
        places = ProjectPlace.objects.filter(side=PlaceSide.THERE, country_id__in=data["country"])
        qs = qs.filter(pk__in=places.values("project_id"))
    if skip != "family" and data.get("family"):
        people = Participation.objects.filter(organisation__family__in=data["family"])
        qs = qs.filter(pk__in=people.values("project_id"))
    return qs


class ProjectFilter(InMemoryPath):
    """A validated set of filters over the published projects."""

    model = Project
    index = INDEX
    snapshots = snapshot
    searching = staticmethod(search)
    forgiving = staticmethod(forgiving_search)
    apply = staticmethod(_apply)

    def __init__(
        self,
        data,
        base: QuerySet | None = None,
        *,
        forgive: bool = False,
        fast: bool | None = None,
    ):
        data = query_data(data)
        self.form = ProjectFilterForm(data)
        self.form.is_valid()
        # Invalid fields are left out: the valid ones still apply, the page says what was wrong.
        self.data = {k: v for k, v in self.form.cleaned_data.items() if v not in ("", [], None)}
        self.query = self.data.get("q", "").strip()
        over_all = base is None
        base = Project.objects.published() if base is None else base
        # Over all the published projects, counts and the page come from the columns in
        # memory (projects.snapshot, §42); `fast=False` keeps the SQL path.
        self._settle(base, over_all=over_all, forgive=forgive, fast=fast)

    @property
    def errors(self) -> list[str]:
        return [str(e) for errors in self.form.errors.values() for e in errors]

    @property
    def is_filtered(self) -> bool:
        return bool(self.data)

    def results(self) -> QuerySet:
        """The filtered projects, by rank when searching, by title otherwise."""
        return _apply(self.matched, self.data)

    def _ids(self, name: str) -> QuerySet:
        # order_by(): a rank ordering would otherwise end up in the GROUP BY.
        return _apply(self.matched, self.data, skip=name).order_by().values("pk")

    @staticmethod
    def _count(qs: QuerySet, column: str) -> dict:
        rows = qs.values(column).annotate(n=Count("project_id", distinct=True))
        return dict(rows.values_list(column, "n"))

    def counts(self, name: str) -> dict:
        """{value: number of projects} for one facet, over the other filters' results."""
        if self.fast:
            return self.snapshot.counts(name, self._mask(name))
        ids = self._ids(name)
        if name == "progress":
            rows = (
                Project.objects.filter(pk__in=ids)
                .values("project_status")
                .annotate(n=Count("pk"))
                .values_list("project_status", "n")
            )
            return dict(rows)
        if name == "theme":
            return self._count(ThemeLink.objects.filter(project_id__in=ids), "theme__slug")
        if name == "sdg":
            return self._count(TargetLink.objects.filter(project_id__in=ids), "sdgtarget__goal_id")
        if name == "department":
            places = ProjectPlace.objects.filter(project_id__in=ids, side=PlaceSide.HERE)
            return self._count(places.exclude(department=None), "department_id")
        if name == "country":
            places = ProjectPlace.objects.filter(project_id__in=ids, side=PlaceSide.THERE)
            return self._count(places, "country_id")
        if name == "family":
            people = Participation.objects.filter(project_id__in=ids)
            return self._count(people, "organisation__family")
        raise KeyError(name)

    def facets(self, *, english: bool = False) -> list[Facet]:
        form, data = self.form, self.data
        chosen = {name: {str(v) for v in data.get(name) or []} for name in FACETS}
        facets = []

        counts = self.counts("progress")
        options = [
            FacetOption(value, label, counts.get(value, 0), value in chosen["progress"])
            for value, label in ProjectStatus.choices
        ]
        facets.append(Facet("progress", _("Avancement"), "checkbox", options))

        counts = self.counts("theme")
        options = [
            FacetOption(s, en if english and en else fr, counts.get(s, 0), s in chosen["theme"])
            for s, fr, en in form.themes
            if counts.get(s) or s in chosen["theme"]
        ]
        facets.append(Facet("theme", _("Thème"), "checkbox", options))

        counts = self.counts("sdg")
        options = [
            FacetOption(
                str(code),
                f"{code}. {goal_title(en if english and en else fr)}",
                counts.get(code, 0),
                str(code) in chosen["sdg"],
            )
            for code, fr, en in form.sdgs
            if counts.get(code) or str(code) in chosen["sdg"]
        ]
        facets.append(Facet("sdg", _("Objectifs de développement durable"), "select", options))

        counts = self.counts("department")
        options = [
            FacetOption(code, f"{name} ({code})", counts.get(code, 0), code in chosen["department"])
            for code, name, _region in form.departments
            if code in form.region_departments or counts.get(code) or code in chosen["department"]
        ]
        facets.append(Facet("department", _("Département (ici)"), "select", options))

        counts = self.counts("country")
        options = [
            FacetOption(code, en if english else fr, counts.get(code, 0), code in chosen["country"])
            for code, fr, en in form.countries
            if counts.get(code) or code in chosen["country"]
        ]
        options.sort(key=lambda o: sort_key(o.label))
        facets.append(Facet("country", _("Pays (là-bas)"), "select", options))

        counts = self.counts("family")
        options = [
            FacetOption(value, label, counts.get(value, 0), value in chosen["family"])
            for value, label in Family.choices
            if counts.get(value) or value in chosen["family"]
        ]
        facets.append(Facet("family", _("Participants"), "checkbox", options))
        return facets

    @property
    def correction_querystring(self) -> str:
        """The current filters with the corrected query (the "did you mean" link)."""
        return self.querystring(q=self.correction.query) if self.correction else ""

    def querystring(self, **changes) -> str:
        """The current filters as a query string (without page)."""
        qd = QueryDict(mutable=True)
        for name in ("q", *FACETS):
            value = changes.get(name, self.data.get(name))
            if name == "q" and "q" not in changes and self.corrected:
                # The links onwards (map, pages) carry the query the results are for.
                value = self.searched
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                qd.setlist(name, [str(v) for v in value])
            else:
                qd[name] = str(value)
        return qd.urlencode()
