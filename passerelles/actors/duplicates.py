"""Likely duplicates: same SIREN, same RNA, or same normalised name in the same place.

One query reads the few columns needed (values()), grouping happens in Python dictionaries, so
the cost grows with the number of organisations, not with its square. Pairs staff marked "not a
duplicate" (NotDuplicate) are never suggested again."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Status
from passerelles.actors.models import NotDuplicate, Organisation
from passerelles.core.text import fold, normalise_name

REASONS = {
    "siren": _("même SIREN"),
    "rna": _("même numéro RNA"),
    "name": _("même nom au même endroit"),
}
# A key shared by more records than this is noise (a placeholder typed everywhere), not a
# duplicate: skip it rather than list thousands of pairs.
MAX_GROUP = 25
_COLUMNS = ("pk", "name", "siren", "rna", "commune_id", "country_id", "locality")


@dataclass
class Pair:
    first: Organisation
    second: Organisation
    reasons: list = field(default_factory=list)

    @property
    def reason_labels(self):
        return [REASONS[r] for r in self.reasons]

    @property
    def keep_second(self) -> bool:
        """Whether the record to keep by default is the second one (see `preferred_to_keep`)."""
        return preferred_to_keep(self.first, self.second) is self.second


# What a merge should keep when staff do not say otherwise: the record people already see
# (published), then the one with the longest life in the directory. Keeping a pending copy
# would throw away the published record's address, history and links in people's bookmarks.
_STATUS_RANK = {Status.PUBLISHED: 0, Status.PENDING: 1}


def preferred_to_keep(first: Organisation, second: Organisation) -> Organisation:
    def rank(org):
        return (_STATUS_RANK.get(org.status, 2), org.created_at, org.pk)

    return first if rank(first) <= rank(second) else second


def _keys(row) -> list[tuple[str, str]]:
    keys = []
    if row["siren"]:
        keys.append(("siren", row["siren"]))
    if row["rna"]:
        keys.append(("rna", row["rna"]))
    name = normalise_name(row["name"])
    if name:
        place = row["commune_id"] or f"{row['country_id']}:{fold(row['locality'] or '')}"
        keys.append(("name", f"{name}|{place}"))
    return keys


def _excluded_pairs(pks=None) -> set[tuple[int, int]]:
    qs = NotDuplicate.objects.all()
    if pks is not None:
        qs = qs.filter(first_id__in=pks) | qs.filter(second_id__in=pks)
    return set(qs.values_list("first_id", "second_id"))


def likely_pairs(limit: int = 200) -> tuple[list[Pair], int]:
    """Likely duplicate pairs among active organisations, and how many there are in all."""
    rows = Organisation.objects.exclude(status=Status.ARCHIVED).values(*_COLUMNS)
    groups = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        for key in _keys(row):
            groups[key].append(row["pk"])
    reasons = defaultdict(list)
    for (kind, _value), pks in groups.items():
        if len(pks) < 2 or len(pks) > MAX_GROUP:
            continue
        pks.sort()
        for i, a in enumerate(pks):
            for b in pks[i + 1 :]:
                if kind not in reasons[(a, b)]:
                    reasons[(a, b)].append(kind)
    excluded = _excluded_pairs()
    keys = sorted(k for k in reasons if k not in excluded)
    total = len(keys)
    keys = keys[:limit]
    orgs = Organisation.objects.select_related("commune", "country").in_bulk(
        {pk for pair in keys for pk in pair}
    )
    return [Pair(orgs[a], orgs[b], reasons[(a, b)]) for a, b in keys], total


def candidates_for(org: Organisation, limit: int = 10) -> list[Pair]:
    """Organisations that may be the same as `org` (each as a Pair with `second` the other)."""
    from django.db.models import Q

    name = normalise_name(org.name)
    query = Q()
    if org.siren:
        query |= Q(siren=org.siren)
    if org.rna:
        query |= Q(rna=org.rna)
    # The name is compared in Python (normalised), so SQL only narrows to the same place.
    if org.commune_id:
        query |= Q(commune_id=org.commune_id)
    elif org.locality:
        query |= Q(country_id=org.country_id, locality__iexact=org.locality)
    if not query:
        return []
    others = (
        Organisation.objects.filter(query)
        .exclude(pk=org.pk)
        .exclude(status=Status.ARCHIVED)
        .select_related("commune", "country")[:500]
    )
    excluded = _excluded_pairs([org.pk])
    pairs = []
    for other in others:
        if tuple(sorted((org.pk, other.pk))) in excluded:
            continue
        why = []
        if org.siren and other.siren == org.siren:
            why.append("siren")
        if org.rna and other.rna == org.rna:
            why.append("rna")
        if name and normalise_name(other.name) == name:
            why.append("name")
        if why:
            pairs.append(Pair(org, other, why))
    pairs.sort(key=lambda p: (-len(p.reasons), p.second.name))
    return pairs[:limit]
