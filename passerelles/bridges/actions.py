"""The one door of the bridges' feedback rows (docs/decisions.md §40): members' marks on the
partners suggested to their organisation, and the weights learnt from them.

Funding calls and common issues are written by staff pages and the admin (see apps.py); the
suggestion profiles are derived tables kept by suggest/profiles.py."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.bridges.models import FeedbackWeight, SuggestionMark, SuggestionMarkLog, Verdict
from passerelles.bridges.suggest import feedback
from passerelles.bridges.suggest.index import get_index
from passerelles.bridges.suggest.queries import organisation_query
from passerelles.core import door, fragments


class ActionError(Exception):
    """A feedback that cannot be recorded as asked; its message is for the person, in French."""


def _change(mark, verdict, features, user, now) -> SuggestionMark:
    mark.verdict, mark.features, mark.user, mark.marked_at = verdict, features, user, now
    mark.save(update_fields=["verdict", "features", "user", "marked_at"])
    return mark


def mark_suggestion(organisation, candidate, verdict: str, *, by=None) -> SuggestionMark | None:
    """Set, change or (verdict "") withdraw `organisation`'s mark on `candidate`, suggested to
    it. Returns the current mark, None once withdrawn. The caller checked the person may act
    for `organisation` (perms.can_give_feedback)."""
    if verdict and verdict not in Verdict.values:
        raise ActionError(_("Cet avis n'existe pas."))
    if candidate is None or candidate.pk == organisation.pk:
        raise ActionError(_("Une organisation ne peut pas donner d'avis sur elle-même."))
    if verdict and candidate.status != Status.PUBLISHED:
        raise ActionError(_("Cette organisation n'est plus suggérée."))
    features = []
    if verdict:
        # What the pair looked like when marked: the model learns from these (suggest/feedback).
        index = get_index()
        features = feedback.pair_features(
            index, organisation_query(index, organisation), candidate.pk
        )
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    now = timezone.now()
    with transaction.atomic(), door.inside():
        current = (
            SuggestionMark.objects.select_for_update()
            .filter(organisation=organisation, candidate=candidate)
            .first()
        )
        if not verdict:
            if current is None:
                return None
            current.delete()
            mark = None
        elif current is None:
            try:
                with transaction.atomic():  # a savepoint: another member may be first
                    mark = SuggestionMark.objects.create(
                        organisation=organisation,
                        candidate=candidate,
                        verdict=verdict,
                        features=features,
                        user=user,
                        marked_at=now,
                    )
            except IntegrityError:
                # Two members of the organisation marked the same suggestion at once: the
                # last one wins, as if it had come a moment later.
                mark = SuggestionMark.objects.select_for_update().get(
                    organisation=organisation, candidate=candidate
                )
                _change(mark, verdict, features, user, now)
        elif current.verdict == verdict:
            return current
        else:
            mark = _change(current, verdict, features, user, now)
        SuggestionMarkLog.objects.create(
            organisation=organisation, candidate=candidate, verdict=verdict, user=user, at=now
        )
    return mark


def refit_weights() -> int:
    """Learn the weights again from every mark (suggest/feedback.learn) and replace the stored
    ones; run by the `refit_suggestion_feedback` command and the worker's housekeeping, never
    in a request. Returns the number of weights that act."""
    learnt = feedback.learn(feedback.all_marks())
    now = timezone.now()
    with transaction.atomic(), door.inside():
        before = dict(FeedbackWeight.objects.values_list("feature", "weight"))
        FeedbackWeight.objects.all().delete()
        FeedbackWeight.objects.bulk_create(
            FeedbackWeight(feature=f, weight=weight, marks=marks, organisations=orgs, fitted_at=now)
            for f, (weight, marks, orgs) in sorted(learnt.items())
        )
        if before != {f: w for f, (w, _m, _o) in learnt.items()}:
            # The public suggestion panels were ranked with the old weights.
            fragments.bump("suggestions")
    return len(learnt)


REFIT_EVERY = 24 * 3600
_last_refit: list[float] = []  # this worker process's last refit (time.monotonic())


def refit_if_due() -> int | None:
    """The worker's housekeeping chore (every few minutes): refit once a day per worker
    process. The weights move a little once a day rather than after each mark, so nobody can
    watch one mark arrive in them."""
    import time

    now = time.monotonic()
    if _last_refit and now - _last_refit[-1] < REFIT_EVERY:
        return None
    _last_refit[:] = [now]
    return refit_weights()
