"""Finding the organisation a table row describes, without one query per rule per row.

`OrganisationMatcher` answers exactly what the per-row queries did (SIREN, then RNA, then the
row's namespaced id, then the normalised name in the same commune), with:

- one query for the three identifiers of a row instead of three;
- for names in a French commune, an index built once per commune (normalised name → ids),
  kept up to date by the import's own writes (`moved`). Before, each new row read and
  normalised every organisation of its commune: quadratic in the size of the directory. The
  index keeps only a hash of the name and the ids, so it stays small (about 100 bytes an
  organisation); candidates are read back from the database to compare their real names.

Abroad (country + locality, compared case-insensitively by the database) keeps its query:
such rows are few and the database's notion of "same locality" is the reference."""

from django.db.models import Q

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.text import normalise_name


class Ambiguous(Exception):
    pass


def _active():
    return Organisation.objects.exclude(status=Status.ARCHIVED)


class OrganisationMatcher:
    def __init__(self, source: str):
        self.source = source
        # commune id → {hash(normalised name) → [organisation ids]}
        self._by_commune: dict[int, dict[int, list[int]]] = {}

    # -- identifiers --------------------------------------------------------------------------

    def by_identifiers(self, siren: str, rna: str, source_id: str) -> int | None:
        """The lowest id with this SIREN, else with this RNA, else the one with this source
        id (unique by constraint): the order of the former three queries."""
        # `~Q(source_id="")` restates the partial unique index's condition: without it SQLite
        # cannot use that index and the OR below becomes a scan of every organisation, per row
        # (quadratic imports).
        condition = Q(source=self.source, source_id=source_id) & ~Q(source_id="")
        if siren:
            condition |= Q(siren=siren)
        if rna:
            condition |= Q(rna=rna)
        hits = list(
            _active()
            .filter(condition)
            .order_by()
            .values_list("pk", "siren", "rna", "source", "source_id")
        )
        for rule in (
            lambda h: bool(siren) and h[1] == siren,
            lambda h: bool(rna) and h[2] == rna,
        ):
            found = [h[0] for h in hits if rule(h)]
            if found:
                return min(found)
        for pk, _siren, _rna, other_source, other_source_id in hits:
            if other_source == self.source and other_source_id == source_id:
                return pk
        return None

    # -- names ----------------------------------------------------------------------------------

    def _commune_index(self, commune_id: int) -> dict[int, list[int]]:
        index = self._by_commune.get(commune_id)
        if index is None:
            index = {}
            rows = _active().filter(commune_id=commune_id).order_by().values_list("pk", "name")
            for pk, name in rows.iterator(chunk_size=5000):
                index.setdefault(hash(normalise_name(name)), []).append(pk)
            self._by_commune[commune_id] = index
        return index

    def by_name_in_commune(self, name_key: str, commune_id: int, siren: str, rna: str):
        candidates = self._commune_index(commune_id).get(hash(name_key))
        if not candidates:
            return None
        rows = (
            _active()
            .filter(pk__in=candidates, commune_id=commune_id)
            .order_by()
            .values_list("pk", "name", "siren", "rna")
        )
        return self._one(rows, name_key, siren, rna)

    @staticmethod
    def by_name_abroad(name_key: str, country: str, locality: str, siren: str, rna: str):
        rows = (
            _active()
            .filter(country_id=country, locality__iexact=locality)
            .values_list("pk", "name", "siren", "rna")
        )
        return OrganisationMatcher._one(rows, name_key, siren, rna)

    @staticmethod
    def _one(rows, name_key: str, siren: str, rna: str) -> int | None:
        matches = [
            pk
            for pk, other_name, other_siren, other_rna in rows
            # Another legal entity (another SIREN or RNA) with the same name is not this one.
            if normalise_name(other_name) == name_key
            and not (siren and other_siren and other_siren != siren)
            and not (rna and other_rna and other_rna != rna)
        ]
        if len(matches) > 1:
            raise Ambiguous
        return matches[0] if matches else None

    def moved(self, pk: int, before: tuple[int | None, str], after: tuple[int | None, str]):
        """An organisation written by the import: (commune id, name) before and after. Call
        once its row is written for good (the savepoint is about to be released)."""
        if before == after:
            return
        commune_id, name = before
        if commune_id in self._by_commune:
            ids = self._by_commune[commune_id].get(hash(normalise_name(name)), [])
            if pk in ids:
                ids.remove(pk)
        commune_id, name = after
        if commune_id in self._by_commune:
            self._by_commune[commune_id].setdefault(hash(normalise_name(name)), []).append(pk)
