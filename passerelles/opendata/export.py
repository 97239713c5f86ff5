"""The catalogue of open-data exports, shared by the /donnees/ page, the API and
`passerelles export`. Only published records are exported.

Each export writes either text chunks (CSV, GeoJSON, JSON-LD: streamed as they are produced)
or a binary file (XLSX, IATI XML: written to a temporary file that is then streamed)."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from passerelles.actors.models import Organisation
from passerelles.opendata.formats import geojson, jsonld, tabular
from passerelles.projects.models import Project

LICENCE = _("Licence Ouverte / Open Licence 2.0 (Etalab)")
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
KINDS = ("organisations", "projects")
FORMATS = ("csv", "xlsx", "geojson", "jsonld", "iati")


@dataclass(frozen=True)
class Export:
    kind: str  # organisations | projects
    format: str  # csv | xlsx | geojson | jsonld | iati
    label: str | Promise
    media_type: str
    extension: str
    description: str | Promise = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.format}"

    @property
    def filename(self) -> str:
        return f"passerelles-{self.kind}.{self.extension}"

    @property
    def is_binary(self) -> bool:
        return self.format in ("xlsx", "iati")

    def queryset(self):
        model = Organisation if self.kind == "organisations" else Project
        return model.objects.published()

    def chunks(self, base_url: str = "") -> Iterator[str]:
        """Text exports, chunk by chunk."""
        queryset = self.queryset()
        if self.format == "csv":
            if self.kind == "organisations":
                rows = tabular.organisation_rows(queryset, base_url)
                return tabular.csv_lines(tabular.ORGANISATION_HEADER, rows)
            rows = tabular.project_rows(queryset, base_url)
            return tabular.csv_lines(tabular.PROJECT_HEADER, rows)
        if self.format == "geojson":
            writer = geojson.organisations if self.kind == "organisations" else geojson.projects
            return writer(queryset, base_url)
        if self.format == "jsonld":
            return jsonld.organisations(queryset, base_url)
        raise ValueError(self.format)

    def write(self, out: IO[bytes], base_url: str = "") -> None:
        """Any export into the binary file `out`."""
        queryset = self.queryset()
        if self.format == "xlsx":
            if self.kind == "organisations":
                header, rows = (
                    tabular.ORGANISATION_HEADER,
                    tabular.organisation_rows(queryset, base_url),
                )
            else:
                header, rows = tabular.PROJECT_HEADER, tabular.project_rows(queryset, base_url)
            tabular.write_xlsx(header, rows, out)
        elif self.format == "iati" and self.kind == "organisations":
            from passerelles.opendata.iati.org_writer import write_organisations

            write_organisations(queryset, out)
        elif self.format == "iati":
            from passerelles.opendata.iati.writer import write_activities

            write_activities(queryset, out)
        else:
            for chunk in self.chunks(base_url):
                out.write(chunk.encode("utf-8"))


EXPORTS = [
    Export(
        "organisations",
        "csv",
        _("Organisations (CSV)"),
        "text/csv; charset=utf-8",
        "csv",
        _("Les colonnes du modèle d'import, séparées par « ; », encodage UTF-8."),
    ),
    Export(
        "organisations",
        "xlsx",
        _("Organisations (XLSX)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        _("Les colonnes du modèle d'import, pour un tableur."),
    ),
    Export(
        "organisations",
        "geojson",
        _("Organisations (GeoJSON)"),
        "application/geo+json",
        "geojson",
        _("Les organisations situées, pour une carte (longitude, latitude)."),
    ),
    Export(
        "organisations",
        "jsonld",
        _("Organisations (JSON-LD)"),
        "application/ld+json",
        "jsonld",
        _("Données liées schema.org avec les termes ESSGlobal."),
    ),
    Export(
        "organisations",
        "iati",
        _("Organisations (IATI 2.03)"),
        "application/xml",
        "xml",
        _(
            "Fichier d'organisations au standard IATI 2.03 (iati-organisations), avec la fiche "
            "de l'annuaire pour un autre annuaire Passerelles."
        ),
    ),
    Export(
        "projects",
        "csv",
        _("Projets (CSV)"),
        "text/csv; charset=utf-8",
        "csv",
        _("Les colonnes du modèle d'import, séparées par « ; », encodage UTF-8."),
    ),
    Export(
        "projects",
        "xlsx",
        _("Projets (XLSX)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        _("Les colonnes du modèle d'import, pour un tableur."),
    ),
    Export(
        "projects",
        "geojson",
        _("Projets (GeoJSON)"),
        "application/geo+json",
        "geojson",
        _("Les lieux de chaque projet, ici et là-bas (longitude, latitude)."),
    ),
    Export(
        "projects",
        "iati",
        _("Projets (IATI 2.03)"),
        "application/xml",
        "xml",
        _("Activités au standard IATI 2.03, validées contre le schéma officiel."),
    ),
]
BY_KEY = {export.key: export for export in EXPORTS}


def get(kind: str, fmt: str) -> Export | None:
    return BY_KEY.get(f"{kind}-{fmt}")


def base_url(request=None) -> str:
    """Absolute URLs in exports: from the request, else the configured site URL (CLI)."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return getattr(settings, "PASSERELLES_SITE_URL", "").rstrip("/")
