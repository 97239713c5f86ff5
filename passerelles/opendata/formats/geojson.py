"""GeoJSON (RFC 7946) FeatureCollections of organisations and of projects, streamed.

Coordinates are [longitude, latitude] (GeoJSON order, not the "lat lon" of IATI). Records
without a point are left out: a Feature without geometry is useless on a map. Properties are
plain text (a map's popup shows them as text)."""

import json
from collections.abc import Iterator

from django.db.models import Prefetch

from passerelles.actors.models import Organisation
from passerelles.core.richtext import plain_text
from passerelles.projects.models import Participation, Project

CHUNK = 2000


def _collection(features: Iterator[dict]) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    first = True
    for feature in features:
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"


def organisation_features(queryset=None, base_url: str = "") -> Iterator[dict]:
    queryset = queryset if queryset is not None else Organisation.objects.published()
    queryset = (
        queryset.filter(lat__isnull=False, lon__isnull=False)
        .select_related("commune", "country")
        .prefetch_related("themes")
        .order_by("pk")
    )
    for org in queryset.iterator(chunk_size=CHUNK):
        yield {
            "type": "Feature",
            "id": org.slug,
            "geometry": {"type": "Point", "coordinates": [org.lon, org.lat]},
            "properties": {
                "name": plain_text(org.name),
                "acronym": plain_text(org.acronym),
                "family": org.family,
                "family_label": str(org.get_family_display()),
                "is_ess": org.is_ess,
                "is_si": org.is_si,
                "side": org.side,
                "place": plain_text(org.place_label),
                "commune": org.commune_id,
                "department": org.department_id,
                "country": org.country_id,
                "themes": [t.slug for t in org.themes.all()],
                "website": org.website,
                "url": base_url + org.get_absolute_url(),
            },
        }


def project_features(queryset=None, base_url: str = "") -> Iterator[dict]:
    """One Feature per project: a MultiPoint of its places here and there that have a point."""
    queryset = queryset if queryset is not None else Project.objects.published()
    queryset = queryset.order_by("pk").prefetch_related(
        "themes",
        "places",
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
    )
    for project in queryset.iterator(chunk_size=CHUNK):
        points = [[p.lon, p.lat] for p in project.places.all() if p.has_point]
        if not points:
            continue
        yield {
            "type": "Feature",
            "id": project.slug,
            "geometry": {"type": "MultiPoint", "coordinates": points},
            "properties": {
                "title": plain_text(project.title),
                "status": project.project_status,
                "status_label": str(project.get_project_status_display()),
                "start_date": project.start_date.isoformat() if project.start_date else None,
                "end_date": project.end_date.isoformat() if project.end_date else None,
                "countries": sorted({p.country_id for p in project.places_there}),
                "participants": [
                    {"name": plain_text(p.organisation.name), "role": p.role}
                    for p in project.participations.all()
                ],
                "themes": [t.slug for t in project.themes.all()],
                "url": base_url + project.get_absolute_url(),
            },
        }


def organisations(queryset=None, base_url: str = "") -> Iterator[str]:
    return _collection(organisation_features(queryset, base_url))


def projects(queryset=None, base_url: str = "") -> Iterator[str]:
    return _collection(project_features(queryset, base_url))
