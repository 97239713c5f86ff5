"""Invariants of the Organisation model: identifiers, place, ESS by law, sanitised text."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from passerelles.actors.enums import Side, Status
from passerelles.actors.models import NotDuplicate, Organisation, Proposal, ProposalKind
from tests.actors.factories import (
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)

pytestmark = pytest.mark.django_db


def test_organisation_here_takes_department_and_point_from_its_commune():
    org = OrganisationFactory(commune_id="45234", lat=None, lon=None)  # Orléans
    assert org.side == Side.HERE
    assert org.department_id == "45"
    assert org.lat == pytest.approx(47.90, abs=0.05)
    assert org.place_label == "Orléans (45)"


def test_partner_abroad_is_an_organisation_there_with_its_own_place():
    org = AbroadOrganisationFactory()
    assert org.side == Side.THERE
    assert org.department_id is None
    assert org.place_label == "Ouagadougou, Burkina Faso"
    assert Organisation.objects.there().get() == org


@pytest.mark.parametrize("siret", ["12345678901234", "7320007010001"])
def test_invalid_siret_is_refused_with_a_french_message(siret):
    org = OrganisationFactory.build(siret=siret)
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "SIRET" in " ".join(exc.value.message_dict["siret"])


def test_valid_siren_and_siret_pass_and_must_agree():
    org = OrganisationFactory.build(siren="732829320", siret="73282932000074")
    org.full_clean(exclude=["slug"])
    org.siren = "552100554"
    with pytest.raises(ValidationError) as exc:
        org.full_clean(exclude=["slug"])
    assert "siret" in exc.value.message_dict


@pytest.mark.parametrize("rna", ["W12345678", "X123456789", "w4120012345"])
def test_invalid_rna_is_refused(rna):
    org = OrganisationFactory.build(rna=rna)
    with pytest.raises(ValidationError) as exc:
        org.full_clean(exclude=["slug"])
    assert "rna" in exc.value.message_dict


def test_database_refuses_a_malformed_rna_even_without_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(rna="BAD")


def test_script_in_description_is_stripped_on_save():
    org = OrganisationFactory(
        description=(
            '<p>Bonjour</p><script>alert("x")</script>'
            '<a href="javascript:evil()" onclick="x()">lien</a>'
        )
    )
    org.refresh_from_db()
    assert "<script" not in org.description
    assert "onclick" not in org.description
    assert "javascript:" not in org.description
    assert "<p>Bonjour</p>" in org.description


@pytest.mark.parametrize(
    ("code", "ess"), [("9220", True), ("5458", True), ("9300", True), ("5710", False)]
)
def test_legal_form_makes_ess_by_law(code, ess):
    org = OrganisationFactory(legal_form=code, is_ess=False)
    assert org.is_ess is ess


def test_slugs_are_unique_and_stable():
    a = OrganisationFactory(name="Terre Solidaire")
    b = OrganisationFactory(name="Terre solidaire")
    assert a.slug == "terre-solidaire"
    assert b.slug == "terre-solidaire-2"
    b = change_organisation(b, name="Autre nom")
    assert b.slug == "terre-solidaire-2"


def test_published_queryset_hides_pending_and_archived():
    pub = OrganisationFactory()
    OrganisationFactory(status=Status.PENDING)
    OrganisationFactory(status=Status.ARCHIVED)
    assert list(Organisation.objects.published()) == [pub]


def test_rejected_proposal_needs_a_reason_in_the_database():
    org = OrganisationFactory(status=Status.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(kind=ProposalKind.CREATE, organisation=org, status="rejected")


def test_not_duplicate_pairs_are_stored_once_whatever_the_order():
    a, b = OrganisationFactory(), OrganisationFactory()
    NotDuplicate.remember(b, a)
    NotDuplicate.remember(a, b)
    assert NotDuplicate.objects.count() == 1
