"""Practice sheets as open data: schema.org JSON-LD and CSV (the site's one CSV convention,
core.csvfiles). Both carry plain text: rich text is turned into paragraphs and entities are
decoded, so a spreadsheet never shows `&amp;` or a tag.

JSON-LD: each sheet is a schema.org **CreativeWork** — it tells what happened, where, at what
cost and with what result. `HowTo` would promise a sequence of `step`s to follow, which a
sheet does not have, and search engines read a HowTo as a recipe (decisions §41). The parts a
reader looks for (what was done, the cost, what worked and what did not) are `hasPart`
CreativeWorks with their French name, the themes `about` DefinedTerms, the place a
`spatialCoverage` Place."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from passerelles.core import csvfiles
from passerelles.core.richtext import html_to_text

CONTEXT = {"@vocab": "https://schema.org/"}


def _parts(p) -> list[dict]:
    parts = [
        (_("Ce qui a été fait"), html_to_text(p.what_was_done)),
        (_("Ce que cela a coûté"), p.cost_label),
        (_("Ce qui a marché"), p.what_worked),
        (_("Ce qui n'a pas marché"), p.what_did_not),
        (_("Contacts"), p.contacts),
    ]
    return [{"@type": "CreativeWork", "name": name, "text": text} for name, text in parts if text]


def _place(p) -> dict | None:
    if p.side == "here" and p.commune_id:
        return {
            "@type": "Place",
            "name": p.commune.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": p.commune.name,
                "addressCountry": "FR",
            },
        }
    if p.side == "there" and p.country_id:
        address = {"@type": "PostalAddress", "addressCountry": p.country_id}
        if p.locality:
            address["addressLocality"] = p.locality
        return {"@type": "Place", "name": p.place_label, "address": address}
    return None


def as_jsonld(p, base_url: str) -> dict:
    with override("fr"):
        item = {
            "@type": "CreativeWork",
            "@id": base_url + p.get_absolute_url(),
            "url": base_url + p.get_absolute_url(),
            "name": p.title,
            "genre": _("fiche pratique"),
            "inLanguage": "fr",
            "abstract": p.problem,
            "text": html_to_text(p.what_was_done),
            "dateCreated": p.created_at.date().isoformat(),
            "dateModified": p.updated_at.date().isoformat(),
            "about": [
                {"@type": "DefinedTerm", "name": t.name_fr, "termCode": t.slug}
                for t in p.themes.all()
            ],
            "hasPart": _parts(p),
            "mentions": [
                {"@type": "Organization", "name": o.name, "url": base_url + o.get_absolute_url()}
                for o in p.organisations.all()
            ]
            + [
                {"@type": "Project", "name": pr.title, "url": base_url + pr.get_absolute_url()}
                for pr in p.projects.all()
            ],
        }
        if p.context:
            item["description"] = p.context
        place = _place(p)
        if place:
            item["spatialCoverage"] = place
        countries = [c.code for c in p.countries.all()]
        if countries:
            item["audience"] = {
                "@type": "Audience",
                "geographicArea": [{"@type": "Country", "identifier": c} for c in countries],
            }
    return item


def document(sheets, base_url: str) -> dict:
    return {"@context": CONTEXT, "@graph": [as_jsonld(p, base_url) for p in sheets]}


def csv_rows(sheets, base_url: str):
    header = [
        "identifiant",
        "titre",
        "adresse",
        "ici_ou_la_bas",
        "commune",
        "pays",
        "localite",
        "themes",
        "pays_concernes",
        "probleme",
        "contexte",
        "ce_qui_a_ete_fait",
        "cout_montant",
        "cout_devise",
        "cout_texte",
        "ce_qui_a_marche",
        "ce_qui_n_a_pas_marche",
        "contacts",
        "organisations",
        "projets",
        "creee_le",
    ]

    def rows():
        for p in sheets:
            yield [
                p.slug,
                p.title,
                base_url + p.get_absolute_url(),
                p.side,
                p.commune.name if p.commune_id else "",
                p.country.name_fr if p.country_id else "",
                p.locality,
                " | ".join(t.name_fr for t in p.themes.all()),
                " | ".join(c.name_fr for c in p.countries.all()),
                p.problem,
                p.context,
                html_to_text(p.what_was_done),
                "" if p.cost_amount is None else int(p.cost_amount),
                p.cost_currency if p.cost_amount is not None else "",
                p.cost_text,
                p.what_worked,
                p.what_did_not,
                p.contacts,
                " | ".join(o.name for o in p.organisations.all()),
                " | ".join(pr.title for pr in p.projects.all()),
                p.created_at.date().isoformat(),
            ]

    return header, rows()


def csv_response(sheets, base_url: str):
    header, rows = csv_rows(sheets, base_url)
    return csvfiles.response("fiches-pratiques.csv", header, rows)
