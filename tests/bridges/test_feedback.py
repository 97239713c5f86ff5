"""Learning from use: a member's "not relevant" demotes that pair for their organisation only;
everyone else's ranking moves only through the learnt weights, above their thresholds, as the
formula in suggest/feedback.py says (docs/bridges.md "Learning from use")."""

import math

import pytest

from passerelles.actors import actions as actor_actions
from passerelles.bridges import actions
from passerelles.bridges.models import FeedbackWeight, SuggestionMark, SuggestionMarkLog, Verdict
from passerelles.bridges.suggest import feedback, queries, suggestions_for_organisation
from passerelles.bridges.suggest.engine import rank
from passerelles.bridges.suggest.index import get_index
from tests.actors.factories import FACTORY_ORIGIN
from tests.users.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _ids(suggestions):
    return [s.organisation.pk for s in suggestions]


def _member(org):
    return MembershipFactory(organisation=org).user


def test_not_relevant_leaves_the_top_ten_for_that_organisation_only(directory):
    source, other = directory["koudougou"], directory["burkina"]
    before = _ids(suggestions_for_organisation(source, limit=10, own_marks=True))
    assert len(suggestions_for_organisation(source, limit=50)) > 10  # room to leave the top 10
    shared = next(pk for pk in before if pk in _ids(suggestions_for_organisation(other, limit=50)))
    others_before = _ids(suggestions_for_organisation(other, limit=50, own_marks=True))

    mark = actions.mark_suggestion(
        source,
        SuggestionMark._meta.get_field("candidate").related_model.objects.get(pk=shared),
        Verdict.NOT_RELEVANT,
        by=_member(source),
    )
    assert mark.verdict == Verdict.NOT_RELEVANT and mark.features  # logged for the model

    after = _ids(suggestions_for_organisation(source, limit=10, own_marks=True))
    assert shared not in after and len(after) == 10
    # The rest keep their order, the next one joins at the end.
    assert after[:9] == [pk for pk in before if pk != shared][:9]
    # Everyone else (the public panel of the same organisation, another member organisation):
    # the mark changes nothing, directly.
    assert _ids(suggestions_for_organisation(source, limit=10)) == before
    assert _ids(suggestions_for_organisation(other, limit=50, own_marks=True)) == others_before


def test_not_relevant_goes_to_the_end_when_the_list_is_short(directory):
    source = directory["univ"]  # 6 candidates only
    before = _ids(suggestions_for_organisation(source, limit=10, own_marks=True))
    first = directory_org(directory, before[0])
    actions.mark_suggestion(source, first, Verdict.NOT_RELEVANT, by=_member(source))
    after = _ids(suggestions_for_organisation(source, limit=10, own_marks=True))
    assert after == before[1:] + [first.pk]


def directory_org(directory, pk):
    return next(o for o in directory.values() if o.pk == pk)


def test_useful_and_partnership_promote_by_their_documented_factors(directory):
    source = directory["koudougou"]
    index = get_index()
    query = queries.organisation_query(index, source)
    ranked = rank(index, query, None, 20)
    third, fifth = ranked[2], ranked[4]
    marks = {third.organisation_id: Verdict.USEFUL, fifth.organisation_id: Verdict.PARTNERSHIP}
    out = {s.organisation_id: s.score for s in feedback.rerank(index, query, ranked, marks, {})}
    assert out[third.organisation_id] == pytest.approx(third.score * 1.5)
    assert out[fifth.organisation_id] == pytest.approx(fifth.score * 2.0)
    assert out[ranked[0].organisation_id] == pytest.approx(ranked[0].score)


def test_marks_change_and_undo_are_recorded_with_who_and_when(directory):
    source, candidate = directory["koudougou"], directory["cocagne"]
    user = _member(source)
    actions.mark_suggestion(source, candidate, Verdict.USEFUL, by=user)
    actions.mark_suggestion(source, candidate, Verdict.PARTNERSHIP, by=user)
    assert SuggestionMark.objects.get().verdict == Verdict.PARTNERSHIP
    assert actions.mark_suggestion(source, candidate, "", by=user) is None
    assert not SuggestionMark.objects.exists()
    log = list(SuggestionMarkLog.objects.values_list("verdict", "user"))
    assert log == [("useful", user.pk), ("partnership", user.pk), ("", user.pk)]


def test_bad_marks_are_refused_in_french(directory):
    source = directory["koudougou"]
    with pytest.raises(actions.ActionError, match="Cet avis n'existe pas"):
        actions.mark_suggestion(source, directory["cocagne"], "great")
    with pytest.raises(actions.ActionError, match="elle-même"):
        actions.mark_suggestion(source, source, Verdict.USEFUL)
    with pytest.raises(actions.ActionError, match="plus suggérée"):
        actions.mark_suggestion(source, directory["draft"], Verdict.USEFUL)
    assert not SuggestionMark.objects.exists()


# -- the model: thresholds, formula -----------------------------------------------------------


def test_learn_needs_enough_marks_from_enough_organisations():
    # One organisation, however many marks: nothing acts for anyone else.
    alone = [(1, Verdict.NOT_RELEVANT, ["family:school"])] * 200
    assert feedback.learn(alone) == {}
    # Enough marks but from too few organisations.
    few = [(org, Verdict.NOT_RELEVANT, ["family:school"]) for org in range(4) for _ in range(20)]
    few += [(org, Verdict.USEFUL, ["family:health"]) for org in range(4) for _ in range(20)]
    assert feedback.learn(few) == {}
    # Enough organisations but too few marks.
    thin = [(org, Verdict.NOT_RELEVANT, ["family:school"]) for org in range(6)]
    thin += [(org, Verdict.USEFUL, ["family:health"]) for org in range(6)]
    assert feedback.learn(thin) == {}


def test_learn_follows_the_formula():
    rows = []
    for org in range(6):
        rows += [(org, Verdict.NOT_RELEVANT, ["family:school"])] * 4
        rows += [(org, Verdict.USEFUL, ["family:school"])] * 1
        rows += [(org, Verdict.USEFUL, ["family:health"])] * 5
    learnt = feedback.learn(rows)
    # Overall 36 positive, 24 negative; each organisation has 10 marks (the cap: no scaling).
    base = math.log(37 / 25)
    school = round(max(-0.5, 0.5 * (math.log(7 / 25) - base)) / 0.05) * 0.05
    health = round(min(0.5, 0.5 * (math.log(31 / 1) - base)) / 0.05) * 0.05
    assert learnt == {
        "family:school": (round(school, 2), 30, 6),
        "family:health": (round(health, 2), 30, 6),
    }
    assert learnt["family:school"][0] < 0 < learnt["family:health"][0]


def test_one_organisation_counts_for_at_most_ten_marks_per_feature():
    rows = [(0, Verdict.NOT_RELEVANT, ["family:school"])] * 100  # a heavy marker
    for org in range(1, 6):
        rows += [(org, Verdict.USEFUL, ["family:school"])] * 4
        rows += [(org, Verdict.NOT_RELEVANT, ["family:school"])] * 1
        rows += [(org, Verdict.NOT_RELEVANT, ["family:health"])] * 5
    learnt = feedback.learn(rows)
    # school: the heavy marker counts as 10 negatives: 20 positive, 15 negative; overall 20
    # positive, 40 negative. Without the cap the weight would be 0.1.
    expected = 0.5 * (math.log(21 / 16) - math.log(21 / 41))
    assert learnt["family:school"][0] == round(round(expected / 0.05) * 0.05, 2) == 0.45


MARKERS = ("lycee", "koudougou", "burkina", "antsirabe", "commune_bf", "mutuelle", "mutuelle_bf")


def _mark_ess_not_relevant(directory, keys):
    """Members of each organisation mark every ESS enterprise suggested not relevant and every
    other suggestion useful (a preference the model should pick up)."""
    for key in keys:
        source = directory[key]
        user = _member(source)
        for s in suggestions_for_organisation(source, limit=50):
            verdict = (
                Verdict.NOT_RELEVANT
                if s.organisation.family == "ess_enterprise"
                else Verdict.USEFUL
            )
            actions.mark_suggestion(source, s.organisation, verdict, by=user)


def test_a_single_organisation_below_the_thresholds_changes_nothing_for_others(directory):
    outsider = directory["mangues"]
    before = [(s.organisation.pk, s.score) for s in suggestions_for_organisation(outsider)]
    _mark_ess_not_relevant(directory, ["lycee"])
    assert SuggestionMark.objects.count() >= 10
    assert actions.refit_weights() == 0
    assert not FeedbackWeight.objects.exists()
    assert [(s.organisation.pk, s.score) for s in suggestions_for_organisation(outsider)] == before


def test_above_the_thresholds_the_weights_move_others_ranking_as_the_formula_says(directory):
    outsider = directory["mangues"]
    index = get_index()
    query = queries.organisation_query(index, outsider)
    base = rank(index, query, None, 10 + feedback.MARGIN)
    before = _ids(suggestions_for_organisation(outsider))
    _mark_ess_not_relevant(directory, MARKERS)
    assert actions.refit_weights() > 0
    weights = dict(FeedbackWeight.objects.values_list("feature", "weight"))
    assert weights["family:ess_enterprise"] < 0
    for row in FeedbackWeight.objects.all():
        assert row.marks >= feedback.MIN_MARKS
        assert row.organisations >= feedback.MIN_ORGANISATIONS

    # score' = score × exp(clamp(Σ weights of the candidate's features, ±0.7))
    def adjusted(s):
        total = sum(weights.get(f, 0.0) for f in feedback.features(index, query, s))
        return s.score * math.exp(max(-0.7, min(0.7, total)))

    expected = sorted(base, key=lambda s: (-adjusted(s), s.organisation_id))[:10]
    after = suggestions_for_organisation(outsider)
    assert _ids(after) == [s.organisation_id for s in expected]
    assert [s.score for s in after] == [round(adjusted(s), 3) for s in expected]
    assert _ids(after) != before  # the ESS enterprises that led went down
    first_ess = next(pk for pk in before if directory_org(directory, pk).family == "ess_enterprise")
    assert _ids(after).index(first_ess) > before.index(first_ess)


def test_held_out_organisations_rank_their_useful_marks_higher_with_the_model(directory):
    """Offline check: learn from some organisations' marks, then, for organisations left out,
    how often a suggestion they marked useful outranks one they marked not relevant (the
    area under the curve), with and without the weights. Synthetic preference (ESS
    enterprises not relevant), so it shows the model recovers a feature-level preference, not
    that members have this one."""
    _mark_ess_not_relevant(directory, MARKERS)
    held_out = ("recyclerie", "legumerie", "mangues")
    truth = {}
    for key in held_out:
        source = directory[key]
        truth[source.pk] = {
            s.organisation.pk: s.organisation.family != "ess_enterprise"
            for s in suggestions_for_organisation(source, limit=50)
        }
    actions.refit_weights()
    weights = feedback.load_weights()
    index = get_index()

    def auc(use_weights):
        wins = pairs = 0.0
        for key in held_out:
            source = directory[key]
            query = queries.organisation_query(index, source)
            ranked = rank(index, query, None, 50)
            scored = feedback.rerank(index, query, ranked, {}, weights if use_weights else {})
            score = {s.organisation_id: s.score for s in scored}
            good = [score[i] for i, ok in truth[source.pk].items() if ok and i in score]
            bad = [score[i] for i, ok in truth[source.pk].items() if not ok and i in score]
            for g in good:
                for b in bad:
                    pairs += 1
                    wins += 1 if g > b else 0.5 if g == b else 0
        return wins / pairs

    with_model, without = auc(True), auc(False)
    print(f"held-out AUC: engine {without:.3f}, engine + learnt weights {with_model:.3f}")
    assert with_model > without + 0.1


def test_marks_move_to_the_kept_organisation_on_merge(directory):
    kept, duplicate = directory["mutuelle"], directory["mutuelle_bf"]
    user = _member(duplicate)
    actions.mark_suggestion(duplicate, directory["cocagne"], Verdict.USEFUL, by=user)
    actions.mark_suggestion(duplicate, kept, Verdict.USEFUL, by=user)  # would mark itself
    actions.mark_suggestion(directory["lycee"], duplicate, Verdict.NOT_RELEVANT, by=user)
    actor_actions.merge_organisations(duplicate, kept, origin=FACTORY_ORIGIN)
    assert set(SuggestionMark.objects.values_list("organisation", "candidate", "verdict")) == {
        (kept.pk, directory["cocagne"].pk, "useful"),
        (directory["lycee"].pk, kept.pk, "not_relevant"),
    }


def test_two_members_marking_at_once_the_last_one_wins(directory, monkeypatch):
    from django.db.models.query import QuerySet

    source, candidate = directory["koudougou"], directory["cocagne"]
    first, second = _member(source), _member(source)
    actions.mark_suggestion(source, candidate, Verdict.USEFUL, by=first)
    # The second member's action did not see the first one's row (both read before either
    # wrote): its insert breaks the unique rule and turns into a change.
    original = QuerySet.first
    calls = []

    def first_misses(qs):
        calls.append(1)
        return None if len(calls) == 1 else original(qs)

    monkeypatch.setattr(QuerySet, "first", first_misses)
    creates = []
    original_create = QuerySet.create
    monkeypatch.setattr(
        QuerySet, "create", lambda qs, **kw: creates.append(qs.model) or original_create(qs, **kw)
    )
    mark = actions.mark_suggestion(source, candidate, Verdict.NOT_RELEVANT, by=second)
    monkeypatch.undo()
    assert creates[0] is SuggestionMark  # the insert was tried, and refused by the database
    assert mark.verdict == Verdict.NOT_RELEVANT and mark.user == second
    assert SuggestionMark.objects.get().verdict == Verdict.NOT_RELEVANT
    assert SuggestionMarkLog.objects.count() == 2


def test_the_command_and_the_daily_chore_refit_the_weights(directory, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    _mark_ess_not_relevant(directory, MARKERS)
    out = StringIO()
    call_command("refit_suggestion_feedback", stdout=out)
    count = FeedbackWeight.objects.count()
    assert count > 0 and out.getvalue().strip() == f"{count} poids appris des avis."
    # The worker's chore: once, then not again within the day.
    monkeypatch.setattr(actions, "_last_refit", [])
    assert actions.refit_if_due() == count
    assert actions.refit_if_due() is None


def test_room_for_demoted_candidates_is_bounded():
    assert feedback.margin({1: Verdict.NOT_RELEVANT, 2: Verdict.USEFUL}) == feedback.MARGIN + 1
    many = {i: Verdict.NOT_RELEVANT for i in range(500)}
    assert feedback.margin(many) == feedback.MARGIN + feedback.MAX_DEMOTED_ROOM
