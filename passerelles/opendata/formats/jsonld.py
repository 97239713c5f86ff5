"""JSON-LD of organisations: schema.org Organization (NGO for associations), with ESSGlobal
terms where they fit (RIPESS vocabulary, /shared/data/essglobal):

- ESS organisations are also `essglobal:SSEInitiative`;
- `essglobal:mission` carries the one-sentence mission;
- themes link to ESSGlobal theme concepts with `dcterms:subject`
  (`http://purl.org/essglobal/standard/themes/T…`, from Theme.essglobal_code); an
  organisation of international solidarity (`is_si`) always has T11, international
  cooperation. ESSGlobal 1.1 has no property for themes, so the generic Dublin Core one is
  used, as SKOS concepts are meant to be linked.

Texts are plain (schema.org `description` is text): the description's paragraphs separated by
blank lines, entities decoded, no tag. Streamed as one document with an `@graph`."""

import json
from collections.abc import Iterator

from django.conf import settings

from passerelles.actors.enums import Family
from passerelles.actors.models import Organisation
from passerelles.core.richtext import html_to_text, plain_text

CHUNK = 2000
ESSGLOBAL_THEMES = "http://purl.org/essglobal/standard/themes/"
INTERNATIONAL_COOPERATION = "T11"
# schema.org NGO: associations (here or there), migrants' organisations, citizen groups and
# networks of them; the rest are Organization (a peasant organisation, a commune, a school…).
NGO_FAMILIES = {Family.SI_ASSOCIATION, Family.DIASPORA, Family.CITIZEN_GROUP, Family.NETWORK}
CONTEXT = {
    "@vocab": "https://schema.org/",
    "essglobal": "http://purl.org/essglobal/vocab/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcterms:subject": {"@type": "@id"},
}


def organisation_node(org: Organisation, base_url: str = "") -> dict:
    page = base_url + org.get_absolute_url()
    types = ["NGO" if org.family in NGO_FAMILIES else "Organization"]
    if org.is_ess:
        types.append("essglobal:SSEInitiative")
    node = {
        "@id": page,
        "@type": types,
        "name": plain_text(org.name),
        "url": org.website or page,
        "mainEntityOfPage": page,
    }
    if org.acronym:
        node["alternateName"] = plain_text(org.acronym)
    if description := html_to_text(org.description):
        node["description"] = description
    if org.mission:
        node["essglobal:mission"] = plain_text(org.mission)
    address = {"@type": "PostalAddress", "addressCountry": org.country_id}
    if org.address:
        address["streetAddress"] = plain_text(org.address)
    if org.postcode:
        address["postalCode"] = org.postcode
    if org.commune_id:
        address["addressLocality"] = org.commune.name
    elif org.locality:
        address["addressLocality"] = plain_text(org.locality)
    node["address"] = address
    if org.lat is not None and org.lon is not None:
        node["geo"] = {"@type": "GeoCoordinates", "latitude": org.lat, "longitude": org.lon}
    if org.email:
        node["email"] = org.email
    if org.website:
        node["sameAs"] = [org.website]
    identifiers = []
    if org.siren:
        identifiers.append({"@type": "PropertyValue", "propertyID": "SIREN", "value": org.siren})
    if org.rna:
        identifiers.append({"@type": "PropertyValue", "propertyID": "RNA", "value": org.rna})
    if identifiers:
        node["identifier"] = identifiers
    themes = list(org.themes.all())
    if themes:
        node["knowsAbout"] = [t.name_fr for t in themes]
    codes = [t.essglobal_code for t in themes if t.essglobal_code]
    if org.is_si:
        codes.append(INTERNATIONAL_COOPERATION)
    if codes:
        node["dcterms:subject"] = [ESSGLOBAL_THEMES + c for c in dict.fromkeys(codes)]
    countries = [c.code for c in org.countries_of_action.all()]
    if countries:
        node["areaServed"] = [{"@type": "Country", "identifier": c} for c in countries]
    return node


def organisations(queryset=None, base_url: str = "") -> Iterator[str]:
    queryset = queryset if queryset is not None else Organisation.objects.published()
    queryset = (
        queryset.select_related("commune")
        .prefetch_related("themes", "countries_of_action")
        .order_by("pk")
    )
    head = {
        "@context": CONTEXT,
        "@id": base_url + "/donnees/",
        "name": settings.PASSERELLES_NETWORK_NAME,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',"@graph":['
    first = True
    for org in queryset.iterator(chunk_size=CHUNK):
        node = json.dumps(organisation_node(org, base_url), ensure_ascii=False)
        yield ("" if first else ",\n") + node
        first = False
    yield "]}\n"
