"""The directory's filters, shared by the list, the map and the API, so the three always agree
on what "ESS organisations of Loir-et-Cher acting in Senegal" means.

`DirectoryFilter(data)` validates a query string (French messages), `results()` applies it to
the published organisations, and `facets()` counts, for each filter, how many results each of
its values would give. Each facet ignores its own filter (picking a second family widens the
list, so the family counts must not be narrowed by the first pick) but honours all the others:
the usual faceted-search behaviour. Counts are one grouped query per facet, never one per value.

Multi-valued filters on many-to-many relations (themes, SDGs, countries of action) are written
as `pk IN (subquery)` rather than joins: no row multiplication, no DISTINCT, and the grouped
counts stay exact."""

from django import forms
from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from passerelles.actors import snapshot
from passerelles.actors.enums import Family, Side
from passerelles.actors.models import Organisation
from passerelles.actors.search import INDEX, forgiving_search, search
from passerelles.core import fragments
from passerelles.core.collation import sort_key
from passerelles.core.columns import InMemoryPath
from passerelles.core.facets import ChoicesField, Facet, FacetOption, query_data
from passerelles.geo.models import Country, Department
from passerelles.vocab.models import SdgGoal, Theme, goal_title

# Yes/no filters: only "yes" narrows; absent means "either".
YES_VALUES = ("1", "true", "oui", "on")
NO_VALUES = ("0", "false", "non", "off")
# The facets the list shows, in this order; each name is also a query-string key.
FACETS = ("side", "family", "ess", "si", "department", "country", "theme", "sdg")

ThemeLink = Organisation.themes.through
SdgLink = Organisation.sdgs.through
CountryLink = Organisation.countries_of_action.through


class YesNoField(forms.Field):
    """ "1"/"true"/"oui" → True, "0"/"false"/"non" → False, absent → None."""

    default_error_messages = {
        "invalid": _("« %(value)s » n'est pas une valeur admise : indiquez 1 (oui) ou 0 (non).")
    }

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in YES_VALUES:
            return True
        if text in NO_VALUES:
            return False
        raise forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": value}
        )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("La recherche est limitée à 200 caractères.")},
    )
    side = forms.ChoiceField(
        label=_("Ici ou là-bas"),
        required=False,
        choices=[("", _("Ici et là-bas")), *Side.choices],
        error_messages={
            "invalid_choice": _("« %(value)s » : indiquez here (ici) ou there (là-bas).")
        },
    )
    family = ChoicesField(
        label=_("Famille d'acteurs"),
        choices=Family.choices,
        unknown=_("Famille d'acteurs inconnue : « %(value)s »."),
    )
    ess = YesNoField(label=_("Économie sociale et solidaire (ESS)"), required=False)
    si = YesNoField(label=_("Solidarité internationale"), required=False)
    department = ChoicesField(
        label=_("Département"), unknown=_("Département inconnu : « %(value)s ».")
    )
    country = ChoicesField(
        label=_("Pays d'action"),
        unknown=_("Pays inconnu : « %(value)s » (code ISO à deux lettres, ex. SN)."),
    )
    theme = ChoicesField(label=_("Thème"), unknown=_("Thème inconnu : « %(value)s »."))
    sdg = ChoicesField(
        label=_("Objectif de développement durable (ODD)"),
        unknown=_("ODD inconnu : « %(value)s » (numéro de 1 à 17)."),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        region = settings.PASSERELLES_REGION_CODE
        # Choices come from the referentials (four small queries), kept in the page cache
        # until an organisation or a referential changes: the list, the map data and the
        # API all build this form.
        choices = fragments.get_or_build(
            "directory_choices", "organisation referentials", (region,), _choices
        )
        self.departments = choices["departments"]
        self.fields["department"].choices = [(c, f"{n} ({c})") for c, n, _r in self.departments]
        self.region_departments = {c for c, _n, r in self.departments if r == region}
        self.countries = choices["countries"]
        self.fields["country"].choices = [(c, fr) for c, fr, _en in self.countries]
        self.themes = choices["themes"]
        self.fields["theme"].choices = [(s, fr) for s, fr, _en in self.themes]
        self.sdgs = choices["sdgs"]
        self.fields["sdg"].choices = [(str(c), fr) for c, fr, _en in self.sdgs]


def _choices() -> dict:
    region = settings.PASSERELLES_REGION_CODE
    if settings.PASSERELLES_DIRECTORY_COLUMNS:
        # The departments of the published organisations, from the columns in memory (§42):
        # the subquery scans the organisations (a tenth of a second at 100,000).
        present = [d for d in snapshot.current().columns["department_id"].values if d]
    else:
        present = Organisation.objects.published().exclude(department=None).values("department")
    departments = Department.objects.filter(Q(region_id=region) | Q(code__in=present))
    return {
        "departments": list(departments.values_list("code", "name", "region_id")),
        "countries": list(Country.objects.values_list("code", "name_fr", "name_en")),
        "themes": list(Theme.objects.active().values_list("slug", "name_fr", "name_en")),
        "sdgs": list(SdgGoal.objects.values_list("code", "name_fr", "name_en")),
    }


def _apply(qs: QuerySet, data: dict, skip: str | None = None) -> QuerySet:
    """Apply every filter of `data` (cleaned) except `skip`. Values within one filter are
    alternatives (OR); different filters all apply (AND)."""
    if skip != "side" and data.get("side"):
        qs = qs.filter(side=data["side"])
    if skip != "family" and data.get("family"):
        qs = qs.filter(family__in=data["family"])
    if skip != "ess" and data.get("ess") is not None:
        qs = qs.filter(is_ess=data["ess"])
    if skip != "si" and data.get("si") is not None:
        qs = qs.filter(is_si=data["si"])
    if skip != "department" and data.get("department"):
        qs = qs.filter(department_id__in=data["department"])
    if skip != "country" and data.get("country"):
        # Acting in a country: declared country of action, or seated there (partners abroad).
        acting = CountryLink.objects.filter(country_id__in=data["country"])
        qs = qs.filter(
            Q(country_id__in=data["country"]) | Q(pk__in=acting.values("organisation_id"))
        )
    if skip != "theme" and data.get("theme"):
        linked = ThemeLink.objects.filter(theme__slug__in=data["theme"])
        qs = qs.filter(pk__in=linked.values("organisation_id"))
    if skip != "sdg" and data.get("sdg"):
        linked = SdgLink.objects.filter(sdggoal_id__in=[int(c) for c in data["sdg"]])
        qs = qs.filter(pk__in=linked.values("organisation_id"))
    return qs


class DirectoryFilter(InMemoryPath):
    """A validated set of filters over the published organisations."""

    model = Organisation
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
        # A plain dict (the API): one value per key, as a query string would give.
        data = query_data(data)
        # Always bound, even when empty: an empty query string is a valid "no filter".
        self.form = DirectoryFilterForm(data)
        self.form.is_valid()
        # Invalid fields are left out of cleaned_data: the valid ones still apply, and the
        # page shows what was wrong, rather than an empty list.
        self.data = {k: v for k, v in self.form.cleaned_data.items() if v not in ("", [], None)}
        self.query = self.data.get("q", "").strip()
        over_all = base is None
        base = Organisation.objects.published() if base is None else base
        # Over all the published organisations (not a narrower `base`), counts and the page
        # come from the columns in memory (actors.snapshot, §42); `fast=False` keeps the SQL
        # path, which the comparison test and the benchmark's baseline use.
        self._settle(base, over_all=over_all, forgive=forgive, fast=fast)
        self._shared = None

    # --- the path in memory (§42) -------------------------------------------------------------

    @property
    def errors(self) -> list[str]:
        return [str(e) for errors in self.form.errors.values() for e in errors]

    @property
    def is_filtered(self) -> bool:
        return bool(self.data)

    def results(self) -> QuerySet:
        """The filtered organisations, by rank when searching, by name otherwise."""
        return _apply(self.matched, self.data)

    def _without(self, name: str) -> QuerySet:
        # order_by(): a rank ordering would otherwise end up in the GROUP BY.
        return _apply(self.matched, self.data, skip=name).order_by()

    # Columns of the organisation table that facets count by, and the filter each belongs to.
    COLUMNS = {
        "side": "side",
        "family": "family",
        "ess": "is_ess",
        "si": "is_si",
        "department": "department_id",
    }

    def _grouped(self, name: str, column: str) -> dict:
        if self.fast:
            return self.snapshot.grouped(column, self._mask(name))
        if name not in self.data:
            # Without its own filter active, a facet counts over the results themselves: all
            # such facets share one query grouped by every column (a few hundred rows),
            # summed here, instead of one scan of the table each.
            return self._shared_counts()[column]
        rows = self._without(name).values(column).annotate(n=Count("pk")).values_list(column, "n")
        return dict(rows)

    def _shared_counts(self) -> dict:
        if self._shared is None:
            columns = [c for n, c in self.COLUMNS.items() if n not in self.data]
            self._shared = {c: {} for c in columns}
            rows = self.results().order_by().values(*columns).annotate(n=Count("pk"))
            for row in rows:
                for column in columns:
                    counts = self._shared[column]
                    counts[row[column]] = counts.get(row[column], 0) + row["n"]
        return self._shared

    def _linked(self, name: str, link, column: str) -> dict:
        ids = self._without(name).values("pk")
        rows = (
            link.objects.filter(organisation_id__in=ids)
            .values(column)
            .annotate(n=Count("organisation_id"))
            .values_list(column, "n")
        )
        return dict(rows)

    def _country_counts(self) -> dict:
        """Organisations acting in each country: seated there, or declaring it, counted once."""
        if self.fast:
            return self.snapshot.country_counts(self._mask("country"))
        qs = self._without("country")
        ids = qs.values("pk")
        seated = dict(
            qs.exclude(country_id="FR")
            .values("country_id")
            .annotate(n=Count("pk"))
            .values_list("country_id", "n")
        )
        declared = self._linked("country", CountryLink, "country_id")
        # Seated in a country and declaring it too: subtract, or it would count twice.
        both = dict(
            CountryLink.objects.filter(
                organisation_id__in=ids, organisation__country_id=F("country_id")
            )
            .values("country_id")
            .annotate(n=Count("organisation_id"))
            .values_list("country_id", "n")
        )
        codes = set(seated) | set(declared)
        return {c: seated.get(c, 0) + declared.get(c, 0) - both.get(c, 0) for c in codes}

    def facets(self, *, english: bool = False) -> list[Facet]:
        form, data = self.form, self.data
        multiple = ("family", "department", "country", "theme", "sdg")
        chosen = {name: {str(v) for v in data.get(name) or []} for name in multiple}
        facets = []

        counts = self._grouped("side", "side")
        options = [
            FacetOption(value, label, counts.get(value, 0), data.get("side") == value)
            for value, label in Side.choices
        ]
        facets.append(Facet("side", _("Ici ou là-bas"), "radio", options))

        counts = self._grouped("family", "family")
        options = [
            FacetOption(value, label, counts.get(value, 0), value in chosen["family"])
            for value, label in Family.choices
            if counts.get(value) or value in chosen["family"]
        ]
        facets.append(Facet("family", _("Famille d'acteurs"), "checkbox", options))

        for name, column, label, yes in (
            ("ess", "is_ess", _("Économie sociale et solidaire"), _("ESS")),
            ("si", "is_si", _("Solidarité internationale"), _("Solidarité internationale")),
        ):
            counts = self._grouped(name, column)
            option = FacetOption("1", yes, counts.get(True, 0), data.get(name) is True)
            facets.append(Facet(name, label, "checkbox", [option]))

        counts = self._grouped("department", "department_id")
        options = [
            FacetOption(code, f"{name} ({code})", counts.get(code, 0), code in chosen["department"])
            for code, name, _region in form.departments
            if code in form.region_departments or counts.get(code) or code in chosen["department"]
        ]
        facets.append(Facet("department", _("Département"), "select", options))

        counts = self._country_counts()
        options = [
            FacetOption(code, en if english else fr, counts.get(code, 0), code in chosen["country"])
            for code, fr, en in form.countries
            if counts.get(code) or code in chosen["country"]
        ]
        options.sort(key=lambda o: sort_key(o.label))
        facets.append(Facet("country", _("Pays d'action"), "select", options))

        counts = self._linked_by_slug()
        options = [
            FacetOption(
                slug, en if english and en else fr, counts.get(slug, 0), slug in chosen["theme"]
            )
            for slug, fr, en in form.themes
            if counts.get(slug) or slug in chosen["theme"]
        ]
        facets.append(Facet("theme", _("Thème"), "checkbox", options))

        if self.fast:
            counts = self.snapshot.sdgs.counts(self._mask("sdg"))
        else:
            counts = self._linked("sdg", SdgLink, "sdggoal_id")
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
        return facets

    def _linked_by_slug(self) -> dict:
        if self.fast:
            return self.snapshot.themes.counts(self._mask("theme"))
        ids = self._without("theme").values("pk")
        rows = (
            ThemeLink.objects.filter(organisation_id__in=ids)
            .values("theme__slug")
            .annotate(n=Count("organisation_id"))
            .values_list("theme__slug", "n")
        )
        return dict(rows)

    @property
    def correction_querystring(self) -> str:
        """The current filters with the corrected query (the "did you mean" link)."""
        return self.querystring(q=self.correction.query) if self.correction else ""

    def querystring(self, **changes) -> str:
        """The current filters as a query string (without page), e.g. for the map link."""
        qd = QueryDict(mutable=True)
        for name in ("q", *FACETS):
            value = changes.get(name, self.data.get(name))
            if name == "q" and "q" not in changes and self.corrected:
                # The links onwards (map, pages) carry the query the results are for.
                value = self.searched
            if value in (None, "", []):
                continue
            if isinstance(value, bool):
                qd[name] = "1" if value else "0"
            elif isinstance(value, list):
                qd.setlist(name, [str(v) for v in value])
            else:
                qd[name] = str(value)
        return qd.urlencode()
