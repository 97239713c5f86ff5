"""The suggestion index after an edit: patched with the profiles that changed, never rebuilt
from every profile inside a request, and ranking exactly like an index built from scratch."""

import pytest

from passerelles.actors import actions
from passerelles.bridges.models import OrganisationProfile
from passerelles.bridges.suggest import index as index_module
from passerelles.bridges.suggest import queries
from passerelles.bridges.suggest.engine import Filters, brute_force, rank
from passerelles.bridges.suggest.index import build_index, current_stamp, get_index
from passerelles.bridges.suggest.refresh import patch
from passerelles.vocab.models import Theme
from tests.actors.factories import (
    FACTORY_ORIGIN,
    AbroadOrganisationFactory,
    OrganisationFactory,
    change_organisation,
)
from tests.projects.factories import linked_project

pytestmark = pytest.mark.django_db

NEEDS = (
    "des stagiaires en maraîchage biologique au Burkina Faso",
    "réparer des vélos et former des mécaniciens",
    "un forage et une pompe pour l'eau potable au Sénégal",
    "sérigraphie sur textile",
    "formation de soignants à Madagascar",
)


def _ranking(index, query, **filters):
    return [(s.organisation_id, round(s.score, 6)) for s in rank(index, query, Filters(**filters))]


def _same_ranking(patched, fresh, organisations):
    """Every need and every organisation's own query ranks the same on both indexes."""
    for need in NEEDS:
        assert _ranking(patched, queries.need_query(patched, need)) == _ranking(
            fresh, queries.need_query(fresh, need)
        ), need
        assert _ranking(patched, queries.need_query(patched, need), side="there") == _ranking(
            fresh, queries.need_query(fresh, need), side="there"
        ), need
    for org in organisations:
        org.refresh_from_db()
        assert _ranking(patched, queries.organisation_query(patched, org)) == _ranking(
            fresh, queries.organisation_query(fresh, org)
        ), org.name


def _no_build(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the index was rebuilt from every profile")

    monkeypatch.setattr(index_module, "build_index", refuse)


def test_edits_patch_the_index_which_ranks_like_a_fresh_build(directory, monkeypatch):
    before = get_index()
    _no_build(monkeypatch)
    # A change of words, of themes and countries, a new organisation, one unpublished, and a
    # new partnership (the track record and the exclusions).
    change_organisation(
        directory["fablab"],
        offers="Ateliers de sérigraphie sur textile\nRéparation de vélos",
        themes=list(Theme.objects.filter(slug="sante")),
    )
    newcomer = AbroadOrganisationFactory(
        name="Coopérative des mécaniciens de Ouagadougou",
        offers="Réparation de vélos et de mobylettes",
        needs="Formation de jeunes mécaniciens",
        country_id="BF",
    )
    actions.archive_organisation(directory["velo"], origin=FACTORY_ORIGIN)
    linked_project(lead=directory["cocagne"], partner=directory["koudougou"])

    patched = get_index()
    assert patched is not before
    assert directory["velo"].pk not in patched.positions
    assert newcomer.pk in patched.positions
    monkeypatch.undo()
    fresh = build_index()
    assert patched.stamp == fresh.stamp == current_stamp()
    assert patched.live == fresh.live
    _same_ranking(patched, fresh, [directory[k] for k in directory] + [newcomer])


def test_a_patched_index_agrees_with_brute_force(directory, monkeypatch):
    get_index()
    _no_build(monkeypatch)
    change_organisation(directory["eauvive"], needs="Sérigraphie sur textile pour nos affiches")
    actions.archive_organisation(directory["chu"], origin=FACTORY_ORIGIN)
    OrganisationFactory(name="Atelier textile de Blois", offers="Sérigraphie sur textile")
    index = get_index()
    for need in NEEDS:
        query = queries.need_query(index, need)
        fast = [(s.organisation_id, round(s.score, 6)) for s in rank(index, query)]
        slow = [(s.organisation_id, round(s.score, 6)) for s in brute_force(index, query)]
        assert fast == slow, need


def test_a_removed_then_republished_organisation_comes_back(directory, monkeypatch):
    velo = directory["velo"]
    need = "réparer des vélos et former des mécaniciens"
    get_index()
    _no_build(monkeypatch)
    actions.archive_organisation(velo, origin=FACTORY_ORIGIN)
    index = get_index()
    assert velo.pk not in index.positions
    assert velo.pk not in [s.organisation_id for s in rank(index, queries.need_query(index, need))]
    actions.publish_organisation(velo, origin=FACTORY_ORIGIN)
    index = get_index()
    ranked = rank(index, queries.need_query(index, need))
    assert ranked[0].organisation_id == velo.pk


def test_patch_leaves_the_index_other_threads_read_untouched(directory):
    index = get_index()
    ids, vocab, offers = index.ids.copy(), dict(index.vocab), list(index.raw["offers"])
    change_organisation(directory["fablab"], offers="Sérigraphie et broderie sur textile")
    rows = list(
        OrganisationProfile.objects.filter(organisation=directory["fablab"]).values_list(
            *index_module.PROFILE_COLUMNS
        )
    )
    patched = patch(index, rows, [directory["draft"].pk], current_stamp())
    assert patched is not index
    assert (index.ids == ids).all() and index.vocab == vocab and index.raw["offers"] == offers


def test_an_edit_the_suggestions_do_not_read_rewrites_no_profile(directory):
    fablab = directory["fablab"]
    stamp = current_stamp()
    revision = OrganisationProfile.objects.get(organisation=fablab).revision
    change_organisation(fablab, phone="02 54 00 00 00")
    assert OrganisationProfile.objects.get(organisation=fablab).revision == revision
    assert current_stamp() == stamp
    change_organisation(fablab, needs="Des bénévoles pour nos ateliers de couture")
    assert OrganisationProfile.objects.get(organisation=fablab).revision != revision
    assert current_stamp() != stamp
