"""Murmurations organisation profiles (organizations_schema-v1.0.0), one per published
organisation, served at a stable URL the Murmurations index can fetch
(/donnees/murmurations/<slug>.json). Texts are plain: the schema's fields are text, shown as
such by the index's map and directory."""

from passerelles.actors.models import Organisation
from passerelles.core.richtext import html_to_text, plain_text

SCHEMA = "organizations_schema-v1.0.0"


def profile(org: Organisation, base_url: str = "") -> dict:
    """The profile of one organisation (themes and countries of action prefetched)."""
    page = base_url + org.get_absolute_url()
    data: dict = {
        "linked_schemas": [SCHEMA],
        "name": plain_text(org.name)[:200],
        "primary_url": org.website or page,
        "unique_id": page,
    }
    if org.acronym:
        data["nickname"] = plain_text(org.acronym)
    if description := html_to_text(org.description):
        data["description"] = description
    if org.mission:
        data["mission"] = plain_text(org.mission)
    tags = [t.name_fr[:100] for t in org.themes.all()]
    if org.is_ess:
        tags.append("ESS")
    if org.is_si:
        tags.append("solidarité internationale")
    tags.append(str(org.get_family_display())[:100])
    data["tags"] = list(dict.fromkeys(tags))
    data["status"] = "active"
    address = ", ".join(
        part
        for part in (
            plain_text(org.address),
            " ".join(p for p in (org.postcode, org.commune.name if org.commune_id else "") if p),
            plain_text(org.locality),
            org.country.name_fr if org.country_id else "",
        )
        if part
    )
    if address:
        data["full_address"] = address
    data["country_iso_3166"] = org.country_id
    if org.lat is not None and org.lon is not None:
        data["geolocation"] = {"lat": org.lat, "lon": org.lon}
    if org.email:
        data["contact_details"] = {"email": org.email}
    if org.logo:
        url = org.logo.url
        if url.startswith("/"):
            url = base_url + url
        if url.startswith(("http://", "https://")):
            data["image"] = url
    data["geographic_scope"] = "international" if org.is_si else "regional"
    return data


def profiles_queryset():
    return (
        Organisation.objects.published()
        .select_related("commune", "country")
        .prefetch_related("themes")
    )
