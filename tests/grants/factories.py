"""Rounds and applications for tests, made through the grants' door (grants.actions)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from passerelles.actors.enums import Family
from passerelles.grants import actions
from tests.actors.factories import OrganisationFactory
from tests.users.factories import MembershipFactory, UserFactory

CRITERIA = [("Qualité du partenariat", 2), ("Impact", 1)]


def round_(**fields):
    values = {
        "title": "Petites subventions jeunesse",
        "budget": Decimal(10000),
        "deadline": timezone.now() + datetime.timedelta(days=10),
        "eligible_families": [Family.SI_ASSOCIATION, Family.DIASPORA],
        "amount_max": Decimal(5000),
        "min_cofunding": 20,
        "criteria": CRITERIA,
        **fields,
    }
    return actions.create_round(**values)


def partner_abroad():
    return OrganisationFactory(country_id="ML", commune_id=None, name="Partenaire de Kayes")


def application(
    grant_round, *, organisation=None, user=None, partner=None, grant=4000, own=1000, submit=True
):
    organisation = organisation or OrganisationFactory()
    if user is None:
        user = UserFactory()
        MembershipFactory(user=user, organisation=organisation)
    partner = partner or partner_abroad()
    app = actions.save_draft(
        None,
        {
            "title": "Jardins partagés",
            "summary": "Un projet.",
            "partner": partner,
            "partner_role": "Animation",
            "partner_contribution": "Terrain",
        },
        [
            {"label": "Semences", "amount": Decimal(grant), "funder": "grant"},
            {"label": "Bénévolat valorisé", "amount": Decimal(own), "funder": "own"},
        ],
        grant_round=grant_round,
        organisation=organisation,
        by=user,
    )
    if submit:
        actions.submit(app, by=user)
    return app
