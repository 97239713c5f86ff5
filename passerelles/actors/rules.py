"""The rules an organisation's data must meet that span several fields, in one place: the
validation layer (passerelles.actors.validation: web forms, API, table import) and the model's
own clean() (the admin) both call them, so every channel answers with the same French words."""

from django.utils.translation import gettext_lazy as _

COMMUNE_MISSING = _("Indiquez la commune du siège en France.")
COMMUNE_ABROAD = _("Une organisation à l'étranger n'a pas de commune française : videz ce champ.")
LOCALITY_MISSING = _("Indiquez la ville ou la localité de l'organisation à l'étranger.")
SIRET_NOT_SIREN = _("Le SIRET doit commencer par le SIREN de l'organisation.")


def place_and_identifier_errors(
    *, country, commune, locality: str, siren: str = "", siret: str = ""
) -> dict:
    """{field: message} for a place or identifiers that do not hold together: a commune is
    required in France and refused abroad, where a locality is required; a SIRET starts with
    the SIREN. `country` is a code or a Country, `commune` anything truthy when given."""
    errors = {}
    code = getattr(country, "code", country)
    if code == "FR":
        if not commune:
            errors["commune"] = COMMUNE_MISSING
    elif code:
        if commune:
            errors["commune"] = COMMUNE_ABROAD
        if not (locality or "").strip():
            errors["locality"] = LOCALITY_MISSING
    if siren and siret and not siret.startswith(siren):
        errors["siret"] = SIRET_NOT_SIREN
    return errors
