"""The demo dataset: deterministic, realistic proportions, valid identifiers, fast to build.

The default dataset (520 organisations) is built once for the module, inside a transaction
rolled back at the end; the small-size tests come first so they run before it exists."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from passerelles.actors.demo import DEMO_PASSWORD, build_demo
from passerelles.actors.demo.countries import PARTNER_COUNTRIES
from passerelles.actors.demo.records import acronym_of, family_counts
from passerelles.actors.enums import Family, Side, Status
from passerelles.actors.models import (
    Organisation,
    Proposal,
    ProposalKind,
    ProposalStatus,
    sanitise_html,
)
from passerelles.geo.gazetteer import geocode_abroad
from passerelles.users.enums import NetworkRole
from passerelles.users.models import User

NETWORK_DEPARTMENTS = {"18", "28", "36", "37", "41", "45"}


def names_in_order():
    return list(Organisation.objects.order_by("source_id").values_list("source_id", "name"))


# -- without the database, or with a small dataset ------------------------------------------


def test_every_partner_locality_is_found_by_the_gazetteer():
    assert len(PARTNER_COUNTRIES) >= 25
    for country in PARTNER_COUNTRIES:
        for locality in country.localities:
            assert geocode_abroad(locality, country.code), f"{locality} ({country.code})"


def test_family_counts_cover_every_family_and_add_up():
    for here in (13, 400, 15_385, 76_923):
        counts = dict(family_counts(here))
        assert sum(counts.values()) == here
        assert all(n >= 1 for n in counts.values())
        assert set(counts) == set(Family.values)


def test_acronyms():
    assert acronym_of("Association pour le développement de Koudougou") == "ADK"
    assert acronym_of("Baobab") == ""


@pytest.mark.django_db
def test_same_seed_same_dataset_other_seed_other_dataset():
    build_demo(size=60, seed=7)
    first = names_in_order()
    build_demo(size=60, seed=7)
    assert names_in_order() == first
    assert Organisation.objects.count() == 60
    build_demo(size=60, seed=8)
    assert names_in_order() != first


@pytest.mark.django_db
def test_small_size_through_the_command():
    out = StringIO()
    call_command("demo", "--size", "30", "--seed", "3", stdout=out)
    assert Organisation.objects.count() == 30
    assert Organisation.objects.filter(side=Side.THERE).exists()
    assert "30 organisations" in out.getvalue()
    assert User.objects.filter(email="membre@passerelles.example").exists()


@pytest.mark.django_db
def test_if_empty_builds_on_an_empty_directory_then_does_nothing():
    call_command("demo", "--size", "25", "--if-empty", stdout=StringIO())
    names = names_in_order()
    assert len(names) == 25
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert names_in_order() == names
    assert "rien à faire" in out.getvalue()


@pytest.mark.django_db
def test_flush_removes_other_organisations_too():
    from tests.actors.factories import OrganisationFactory

    OrganisationFactory(name="Fiche saisie à la main")
    build_demo(size=20)
    assert Organisation.objects.filter(name="Fiche saisie à la main").exists()
    build_demo(size=20, flush=True)
    assert not Organisation.objects.filter(name="Fiche saisie à la main").exists()
    assert Organisation.objects.count() == 20


@pytest.mark.django_db
def test_size_must_be_positive():
    with pytest.raises(ValueError):
        build_demo(size=0)


# -- the default dataset --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = build_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def orgs(demo, db):
    return list(Organisation.objects.order_by("pk"))


def test_counts(demo, orgs):
    assert len(orgs) == demo["organisations"] == 520
    here = [o for o in orgs if o.side == Side.HERE]
    there = [o for o in orgs if o.side == Side.THERE]
    assert len(here) == 400 and len(there) == 120
    assert {o.family for o in orgs} == set(Family.values)
    # Partners abroad are typed like everyone else, in a realistic mix; none is "abroad".
    assert "abroad" not in {o.family for o in orgs}
    there_families = Counter(o.family for o in there)
    assert len(there_families) >= 6
    assert there_families[Family.PEASANT_ORG] and there_families[Family.LOCAL_AUTHORITY]
    assert max(there_families.values()) < len(there) / 2
    assert all(o.source == "demo" and re.fullmatch(r"demo--\d+", o.source_id) for o in orgs)


def test_proportions(orgs):
    total = len(orgs)
    ess = sum(o.is_ess for o in orgs)
    si = sum(o.is_si for o in orgs)
    both = sum(o.is_ess and o.is_si for o in orgs)
    # ESS follows the legal form (associations, cooperatives, mutuals, foundations are ESS by
    # law; communes and public schools are not): most organisations here are associations.
    assert 0.5 <= ess / total <= 0.75, ess
    assert 0.45 <= si / total <= 0.58, si  # about half international solidarity
    assert both >= 20  # some both
    families = Counter(o.family for o in orgs)
    assert families[Family.SI_ASSOCIATION] > families[Family.PUBLIC_FUNDER]


def test_places_here(orgs):
    here = [o for o in orgs if o.side == Side.HERE]
    assert {o.department_id for o in here} == NETWORK_DEPARTMENTS
    assert all(o.commune_id and o.country_id == "FR" for o in here)
    assert all(o.lat is not None and o.lon is not None for o in here)
    assert all(o.department_id == o.commune.department_id for o in here[:50])
    communes = Counter(o.commune.name for o in here)
    # Weighted towards the big towns, yet spread over the region.
    for town in ("Orléans", "Tours", "Blois", "Bourges", "Chartres", "Châteauroux"):
        assert communes[town] >= 5, town
    assert len(communes) >= 150
    assert Organisation.objects.filter(name="Conseil départemental du Loiret").exists()
    assert Organisation.objects.filter(name="Région Centre-Val de Loire").exists()
    assert Organisation.objects.filter(name="Ville d'Orléans").exists()
    assert Organisation.objects.filter(name__startswith="Ville d").count() >= 5


def test_places_abroad(orgs):
    there = [o for o in orgs if o.side == Side.THERE]
    assert len({o.country_id for o in there}) >= 20
    for o in there:
        assert o.commune_id is None and o.department_id is None and o.locality
        point = geocode_abroad(o.locality, o.country_id)
        assert (o.lat, o.lon) == point.point, o.name
        # "Les Cayes" reads "des Cayes" inside a name.
        bare = re.sub(r"^(Les|Le|La) ", "", o.locality)
        assert bare in o.name or o.name.startswith(("Fikambanana", "Koperativa")), o.name


def test_identifiers_are_valid_and_unique(orgs):
    sirens = [o.siren for o in orgs if o.siren]
    assert len(sirens) >= 150
    assert all(stdnum_siren.is_valid(s) for s in sirens)
    # Exactly one SIREN is shared, on purpose: a likely duplicate.
    assert sum(n - 1 for n in Counter(sirens).values()) == 1
    sirets = [o for o in orgs if o.siret]
    assert sirets and all(stdnum_siret.is_valid(o.siret) for o in sirets)
    assert all(o.siret.startswith(o.siren) for o in sirets)
    rnas = [o.rna for o in orgs if o.rna]
    assert len(rnas) >= 50 and len(set(rnas)) == len(rnas)
    assert all(re.fullmatch(r"W[0-9A-Z]{9}", r) for r in rnas)
    assert all(o.family not in (Family.COMPANY, Family.LOCAL_AUTHORITY) for o in orgs if o.rna)


def test_records_pass_model_validation(orgs):
    for o in orgs[::13]:
        o.full_clean()


def test_descriptions_are_already_sanitised_html(orgs):
    for o in orgs:
        assert o.description.startswith("<p>") and o.description.endswith("</p>")
        assert sanitise_html(o.description) == o.description


def test_texts_are_french_and_varied(orgs):
    for o in orgs:
        assert o.mission and o.description and o.offers and o.needs
        assert "lorem" not in o.description.lower()
        assert "{" not in o.needs + o.description + o.mission
    # Only the three likely duplicates repeat a description (they copy their original).
    assert len({o.description for o in orgs}) >= len(orgs) - 3
    assert len({o.mission for o in orgs}) > len(orgs) / 2
    assert any("stagiaires" in o.offers for o in orgs)
    assert any(re.search(r"partenaire (au|en|à) ", o.needs.lower()) for o in orgs)
    assert any("Groupement des femmes de" in o.name for o in orgs)
    assert any("Coopérative agricole de" in o.name for o in orgs)
    assert not any(" de Orléans" in o.name or " de Le " in o.name for o in orgs)


def test_slugs_and_names(orgs):
    assert len({o.slug for o in orgs}) == len(orgs)
    assert all(o.slug for o in orgs)


def test_links(orgs):
    with_themes = Organisation.objects.filter(themes__isnull=False).distinct().count()
    assert with_themes == len(orgs)
    assert Organisation.objects.filter(sdgs__isnull=False).distinct().count() == len(orgs)
    si_here = Organisation.objects.filter(side=Side.HERE, is_si=True)
    assert si_here.filter(countries_of_action__isnull=True).count() == 0
    assert Organisation.objects.acting_in("BF").count() >= 10


def test_moderation_queue_and_duplicates(demo, orgs):
    from passerelles.actors.duplicates import likely_pairs

    pending = [o for o in orgs if o.status == Status.PENDING]
    assert 4 <= len(pending) <= 10
    assert sum(o.status == Status.PUBLISHED for o in orgs) >= 500
    proposals = Proposal.objects.filter(status=ProposalStatus.PENDING)
    assert proposals.count() == len(pending)
    assert all(p.kind == ProposalKind.CREATE for p in proposals)
    assert {p.organisation_id for p in proposals} == {o.pk for o in pending}
    pairs, total = likely_pairs()
    assert 2 <= total <= 4
    reasons = {r for p in pairs for r in p.reasons}
    assert {"siren", "name"} <= reasons


def test_demo_accounts(demo, db):
    roles = {
        "equipe@passerelles.example": NetworkRole.STAFF,
        "admin@passerelles.example": NetworkRole.ADMIN,
        "membre@passerelles.example": NetworkRole.MEMBER,
        "partenaire@passerelles.example": NetworkRole.PARTNER_ABROAD,
    }
    for email, role in roles.items():
        user = User.objects.get(email=email)
        assert user.role == role and user.check_password(DEMO_PASSWORD)
    assert User.objects.get(email="equipe@passerelles.example").is_network_staff
    member = User.objects.get(email="membre@passerelles.example").memberships.get()
    assert member.organisation.family == Family.SI_ASSOCIATION
    partner = User.objects.get(email="partenaire@passerelles.example").memberships.get()
    assert partner.organisation.side == Side.THERE


def test_if_empty_leaves_the_demo_alone(demo, db):
    before = Organisation.objects.count()
    call_command("demo", "--if-empty", stdout=StringIO())
    assert Organisation.objects.count() == before


def test_search_index_is_built(demo, db):
    search = pytest.importorskip("passerelles.actors.search")
    assert demo["indexed"] == 520
    partner = Organisation.objects.filter(side=Side.THERE).order_by("pk").first()
    found = search.search(Organisation.objects.all(), partner.locality)
    assert partner in found
