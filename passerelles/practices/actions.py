"""The one door of practice sheets (docs/decisions.md §15, §41): every write to a sheet and to
the curated pairs of the common-issue pages is here. Each action runs in a transaction, records
the sheet's history with who and through which channel, keeps its search words, and reports
the "practice" topic (core.indexing), which retires the cached page fragments that show
sheets.

A member's or a partner's sheet waits for staff (pending); staff's own sheets are published at
once. A refusal always carries a reason, shown to the author on the sheet."""

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from passerelles.core import door, fragments, indexing
from passerelles.core.history import ChangeAction, Origin
from passerelles.core.richtext import plain_text
from passerelles.core.search.text import index_text
from passerelles.practices.enums import Curation, SheetStatus
from passerelles.practices.history import CONTENT, M2M_FIELDS, TRACKER
from passerelles.practices.models import CuratedPair, Practice

TOPIC = "practice"
# The sheet's own fields, written from validated data (the history tracks these and more).
FIELDS = CONTENT


class ActionError(Exception):
    """An action that cannot be taken as asked; its message is for the person, in French."""


@contextmanager
def _action():
    with transaction.atomic(), door.inside():
        yield


# Addresses of the app's own pages under /pratiques/: never a sheet's.
RESERVED_SLUGS = frozenset({"proposer", "moderation", "paires"})


def _unique_slug(title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "fiche"
    if base in RESERVED_SLUGS:
        base = f"fiche-{base}"
    slug, n = base, 2
    while Practice.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _search_text(practice: Practice) -> str:
    """The words a search finds the sheet by: its texts, its themes and its place."""
    themes = " ".join(f"{t.name_fr} {t.synonyms}" for t in practice.themes.all())
    countries = " ".join(c.name_fr for c in practice.countries.all())
    text = index_text(
        practice.title,
        practice.problem,
        practice.context,
        practice.what_was_done,
        practice.what_worked,
        practice.what_did_not,
        practice.locality,
        practice.place_label,
        themes,
        countries,
    )
    # Spaces around every token, the first and the last too (PracticeQuerySet.search).
    return f" {text} "


def _validate(practice: Practice) -> None:
    if not plain_text(practice.title):
        raise ActionError(_("Donnez un titre à la fiche."))
    if not plain_text(practice.problem, multiline=True):
        raise ActionError(_("Décrivez le problème que la fiche traite."))
    if practice.cost_amount is not None and practice.cost_amount < 0:
        raise ActionError(_("Un coût ne peut pas être négatif."))
    if practice.side == "here":
        practice.country_id, practice.locality = None, ""
    else:
        practice.commune_id = None


def _apply(practice: Practice, data: dict) -> dict:
    for name in FIELDS:
        if name in data:
            setattr(practice, name, data[name])
    if practice.cost_currency:
        practice.cost_currency = practice.cost_currency.strip().upper()
    return {name: data[name] for name in M2M_FIELDS if name in data}


def _finish(practice: Practice, links: dict, before: dict, *, origin, action) -> Practice:
    for name, values in links.items():
        getattr(practice, name).set(values)
    practice.search_text = _search_text(practice)
    practice.save(update_fields=["search_text"])
    TRACKER.record(practice, before, origin=origin, action=action)
    indexing.changed(TOPIC, [practice.pk])
    return practice


def create_practice(data: dict, *, origin: Origin) -> Practice:
    """A new sheet: published at once when staff write it, pending otherwise."""
    user = origin.actor
    with _action():
        practice = Practice(author=user)
        links = _apply(practice, data)
        _validate(practice)
        staff = user is not None and user.is_network_staff
        practice.status = SheetStatus.PUBLISHED if staff else SheetStatus.PENDING
        if staff:
            practice.reviewed_by, practice.reviewed_at = user, timezone.now()
        practice.slug = _unique_slug(practice.title)
        practice.save()
        return _finish(practice, links, {}, origin=origin, action=ChangeAction.CREATED)


def update_practice(practice: Practice, data: dict, *, origin: Origin) -> Practice:
    """Change a sheet. An author's change to a refused sheet sends it back to staff."""
    user = origin.actor
    with _action():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        before = TRACKER.snapshot(practice)
        links = _apply(practice, data)
        _validate(practice)
        staff = user is not None and user.is_network_staff
        if not staff and practice.status == SheetStatus.REFUSED:
            practice.status, practice.refusal_reason = SheetStatus.PENDING, ""
        practice.save()
        return _finish(practice, links, before, origin=origin, action=ChangeAction.UPDATED)


def _decide(practice: Practice, status: str, *, origin: Origin, reason: str = "") -> Practice:
    with _action():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        before = TRACKER.snapshot(practice)
        practice.status = status
        practice.refusal_reason = reason
        practice.reviewed_by, practice.reviewed_at = origin.actor, timezone.now()
        practice.save()
        TRACKER.record(practice, before, origin=origin, action=ChangeAction.STATUS)
        indexing.changed(TOPIC, [practice.pk])
        return practice


def publish(practice: Practice, *, origin: Origin) -> Practice:
    if practice.status == SheetStatus.PUBLISHED:
        raise ActionError(_("Cette fiche est déjà publiée."))
    return _decide(practice, SheetStatus.PUBLISHED, origin=origin)


def refuse(practice: Practice, reason: str, *, origin: Origin) -> Practice:
    """Refuse a proposal; the reason is shown to its author on the sheet."""
    reason = plain_text(reason or "", multiline=True).strip()
    if not reason:
        raise ActionError(_("Dites à l'auteur·rice pourquoi la fiche est refusée."))
    if practice.status != SheetStatus.PENDING:
        raise ActionError(_("Seule une fiche en attente peut être refusée."))
    return _decide(practice, SheetStatus.REFUSED, origin=origin, reason=reason)


def archive(practice: Practice, *, origin: Origin) -> Practice:
    if practice.status != SheetStatus.PUBLISHED:
        raise ActionError(_("Seule une fiche publiée peut être archivée."))
    return _decide(practice, SheetStatus.ARCHIVED, origin=origin)


def move_organisation(duplicate, target) -> None:
    """A merged duplicate's sheets are linked to the kept record (and not twice)."""
    through = Practice.organisations.through
    with _action():
        ids = list(
            through.objects.filter(organisation_id=duplicate.pk).values_list(
                "practice_id", flat=True
            )
        )
        for practice in Practice.objects.filter(pk__in=ids):
            practice.organisations.remove(duplicate)
            practice.organisations.add(target)
        indexing.changed(TOPIC, ids)


# -- curated pairs of the common-issue pages ---------------------------------------------------


def curate_pair(problem: str, solution: str, decision: str, *, by, note: str = "") -> CuratedPair:
    """Pin or hide the pair (problem → solution), replacing an earlier decision."""
    if decision not in Curation.values:
        raise ActionError(_("Décision inconnue."))
    with _action():
        pair, _created = CuratedPair.objects.update_or_create(
            problem=problem,
            solution=solution,
            defaults={
                "decision": decision,
                "note": plain_text(note or "")[:300],
                "decided_by": by,
                "decided_at": timezone.now(),
            },
        )
        # No row of a sheet changed: the cached pairs are retired directly.
        fragments.bump(TOPIC)
    return pair


def forget_pair(problem: str, solution: str) -> None:
    """Undo staff's decision: the pair is shown (or not) as computed."""
    with _action():
        CuratedPair.objects.filter(problem=problem, solution=solution).delete()
        fragments.bump(TOPIC)
