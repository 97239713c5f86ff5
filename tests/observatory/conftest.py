"""A small hand-built network for the observatory's tests; every expected number in the tests
is counted by hand from what this file creates (see the comments)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from passerelles.actors.enums import Family, Status
from passerelles.events.enums import EventKind, RegistrationStatus
from passerelles.projects.enums import ParticipationRole, PlaceSide, ProjectStatus
from passerelles.vocab.models import DacCategory, DacSector, SdgTarget, Theme
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.projects.factories import ProjectFactory


@dataclass
class Network:
    orgs: dict
    projects: dict
    themes: list
    events: dict


def _aware(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


@pytest.fixture
def network(db) -> Network:
    return build_network()


def build_network() -> Network:
    # Organisations: three here (in 41, 37, 45), two there (BF, ML), one pending here.
    a1 = OrganisationFactory(
        name="Solidarité Blois",
        family=Family.SI_ASSOCIATION,
        is_si=True,
        is_ess=False,
        commune_id="41018",
    )
    a2 = OrganisationFactory(
        name="Coopérative de Tours",
        family=Family.ESS_ENTERPRISE,
        is_si=False,
        is_ess=True,
        commune_id="37261",
    )
    a3 = OrganisationFactory(
        name="Ville d'Orléans",
        family=Family.LOCAL_AUTHORITY,
        is_si=True,
        is_ess=False,
        commune_id="45234",
        countries_of_action=["ML"],
    )
    a4 = OrganisationFactory(
        name="Diaspora en attente",
        family=Family.DIASPORA,
        is_si=True,
        commune_id="41018",
        status=Status.PENDING,
    )
    b1 = AbroadOrganisationFactory(
        name="Union paysanne du Yatenga", family=Family.PEASANT_ORG, is_si=False, is_ess=True
    )
    b2 = AbroadOrganisationFactory(
        name="ONG de Bamako",
        country_id="ML",
        locality="Bamako",
        lat=12.6392,
        lon=-8.0029,
        is_si=True,
        is_ess=False,
    )
    themes = list(Theme.objects.filter(is_active=True).order_by("pk")[:2])
    t1, t2 = themes
    lead, here, there = (
        ParticipationRole.LEAD,
        ParticipationRole.PARTNER_HERE,
        ParticipationRole.PARTNER_THERE,
    )
    # p1 (2024, running): a1 + a2 here, b1 in BF; crosses ESS (a2) and SI (a1).
    p1 = ProjectFactory(
        title="Semences",
        start_date=datetime.date(2024, 3, 1),
        themes=[t1],
        sdg_targets=list(SdgTarget.objects.filter(code__in=["4.7", "4.1"])),
        dac_sectors=list(DacSector.objects.filter(code="11110")),
        participations=[
            {"organisation": a1, "role": lead},
            {"organisation": a2, "role": here},
            {"organisation": b1, "role": there},
        ],
        places=[
            {"side": PlaceSide.HERE, "commune": "41018"},
            {"side": PlaceSide.THERE, "country": "BF", "locality": "Ouahigouya"},
        ],
        funding_lines=[
            {"funder_name": "Ministère", "amount": Decimal("20000"), "year": 2024},
            {"funder": a3, "amount": Decimal("5000"), "year": 2025},
        ],
    )
    # p2 (2025, completed): a3 here, b2 in ML; both SI, no crossing.
    p2 = ProjectFactory(
        title="Eau",
        project_status=ProjectStatus.COMPLETED,
        start_date=datetime.date(2025, 1, 10),
        end_date=datetime.date(2025, 12, 1),
        themes=[t1, t2],
        sdg_targets=list(SdgTarget.objects.filter(code__in=["2.3", "4.7"])),
        dac_sectors=list(DacSector.objects.filter(code="31120")),
        dac_categories=list(DacCategory.objects.filter(code="111")),
        participations=[{"organisation": a3, "role": lead}, {"organisation": b2, "role": there}],
        places=[{"side": PlaceSide.THERE, "country": "ML", "locality": "Bamako"}],
        funding_lines=[
            {"funder_name": "AFD", "amount": Decimal("60000"), "year": 2025},
            {"funder_name": "USAID", "amount": Decimal("3000"), "currency": "USD", "year": 2025},
        ],
    )
    # p3: a draft, counted nowhere on the public page.
    p3 = ProjectFactory(
        title="Brouillon",
        status=Status.DRAFT,
        start_date=datetime.date(2025, 5, 1),
        participations=[{"organisation": a1, "role": lead}, {"organisation": b2, "role": there}],
        places=[{"side": PlaceSide.THERE, "country": "ML"}],
        funding_lines=[{"funder_name": "AFD", "amount": Decimal("99999"), "year": 2025}],
    )
    # p4 (2026, running): b1 (ESS) and b2 (SI), both there: a crossing without pairs here-there.
    p4 = ProjectFactory(
        title="Réseau paysan",
        start_date=datetime.date(2026, 2, 1),
        participations=[{"organisation": b1, "role": lead}, {"organisation": b2, "role": there}],
    )
    # Events: a published regional day in Blois (2026) with 3 confirmed (a1, a1, a2; one came),
    # one waiting and one cancelled; an unpublished workshop in 2026 with one confirmed.
    day = EventFactory(
        title="Journée 2026",
        kind=EventKind.REGIONAL_DAY,
        starts_at=_aware(2026, 6, 12),
        ends_at=_aware(2026, 6, 12) + datetime.timedelta(hours=8),
        commune_id="41018",
    )
    RegistrationFactory(event=day, organisation=a1, checked_in_at=_aware(2026, 6, 12))
    RegistrationFactory(event=day, organisation=a1)
    RegistrationFactory(event=day, organisation=a2)
    RegistrationFactory(event=day, organisation=b1, status=RegistrationStatus.WAITING)
    RegistrationFactory(event=day, organisation=b2, status=RegistrationStatus.CANCELLED)
    workshop = EventFactory(
        title="Atelier brouillon",
        kind=EventKind.WORKSHOP,
        is_published=False,
        starts_at=_aware(2026, 9, 1),
        ends_at=_aware(2026, 9, 1) + datetime.timedelta(hours=2),
    )
    RegistrationFactory(event=workshop, organisation=a3)
    return Network(
        orgs={"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1, "b2": b2},
        projects={"p1": p1, "p2": p2, "p3": p3, "p4": p4},
        themes=themes,
        events={"day": day, "workshop": workshop},
    )
