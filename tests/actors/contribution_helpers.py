"""Shared helpers for the contribution and moderation tests: valid form data and a client per
network role."""

from django.test import Client

from passerelles.actors.forms import form_data_from_instance
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
)

ROLES = ["visitor", "member", "other_member", "partner_abroad", "staff", "admin"]
STAFF_ROLES = {"staff", "admin"}


def org_form_data(**overrides) -> dict:
    """What a browser posts for a valid organisation in Blois."""
    data = {
        "name": "Terres Solidaires du Loir",
        "acronym": "",
        "family": "si_association",
        "is_si": "on",
        "legal_form": "9220",
        "siren": "",
        "siret": "",
        "rna": "W412001234",
        "mission": "Soutenir l'agroécologie paysanne au Burkina Faso.",
        "description": "<p>Une association de Blois.</p>",
        "offers": "",
        "needs": "",
        "address": "1 rue de la Paix",
        "postcode": "41000",
        "commune": "Blois",
        "country": "FR",
        "locality": "",
        "website": "",
        "email": "",
        "phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(org, **overrides) -> dict:
    """The edit form's data for `org`, unchanged unless overridden (booleans as a browser does)."""
    data = form_data_from_instance(org)
    for key, value in list(data.items()):
        if value is True:
            data[key] = "on"
        elif value is False:
            del data[key]
    data.update(overrides)
    return data


def client_for(role: str, org) -> tuple[Client, object]:
    """A client logged in with `role` (member = member of `org`), and the user (None for a
    visitor)."""
    client = Client()
    if role == "visitor":
        return client, None
    if role == "member":
        user = MembershipFactory(organisation=org).user
    elif role == "other_member":
        user = MembershipFactory().user
    elif role == "partner_abroad":
        user = PartnerAbroadFactory()
    elif role == "staff":
        user = StaffFactory()
    elif role == "admin":
        user = AdminFactory()
    else:  # pragma: no cover - a typo in a parametrisation
        raise ValueError(role)
    client.force_login(user)
    return client, user
