"""Bringing a SuggestionIndex up to date with the profiles without rebuilding it.

`refresh(index, stamp)` reads the (organisation, revision) pairs of every profile, loads the
rows whose revision differs or that are new, and returns a patched copy of the index:

- a changed organisation keeps its position, a new one takes the next position, a removed one
  leaves its position empty (id -1, no word, theme or country: never a candidate);
- the document frequencies lose the old words of the changed and removed organisations and
  gain the new ones; the idf, the norms and the weights are recomputed from them for every
  entry in a few vectorised passes (a new organisation changes every idf);
- the inverted lists lose and gain the changed positions only.

The result ranks like an index built from scratch from the same profiles (a test checks it);
only positions differ, and floating-point sums in another order. The copy leaves the index
other threads are reading untouched. Positions freed by removals are reused by nothing: a
process rebuilds from scratch when it restarts, and removals (unpublished organisations) are
rare."""

import numpy as np

from passerelles.bridges.models import OrganisationProfile
from passerelles.bridges.suggest.index import (
    PROFILE_COLUMNS,
    TEXT_FIELDS,
    SuggestionIndex,
    columns_of,
    sizes,
    weighted,
)

COLUMN_DEFAULTS = {
    "family": -1,
    "there": False,
    "department": "",
    "is_ess": False,
    "is_si": False,
    "lat": np.nan,
    "lon": np.nan,
    "projects": 0.0,
}
LISTS = ("theme_lists", "sdg_lists", "country_lists", "locality_list")
SIZES = {"n_themes": "theme_lists", "n_sdgs": "sdg_lists", "n_countries": "country_lists"}
INVERTED = {  # inverted list → the per-position values it is made of
    "themes": lambda index, pos: index.theme_lists[pos],
    "sdgs": lambda index, pos: index.sdg_lists[pos],
    "countries": lambda index, pos: index.country_lists[pos],
    "localities": lambda index, pos: [index.locality_list[pos]] if index.locality_list[pos] else [],
}


def changes(index: SuggestionIndex) -> tuple[list, list]:
    """(rows to load or reload, ids to remove), from the revisions in the database."""
    stored = dict(OrganisationProfile.objects.values_list("organisation_id", "revision"))
    known = index.revisions
    changed = [i for i, rev in stored.items() if known.get(i) != rev]
    removed = [i for i in known if i not in stored]
    rows = []
    for start in range(0, len(changed), 2000):
        chunk = changed[start : start + 2000]
        rows += OrganisationProfile.objects.filter(organisation_id__in=chunk).values_list(
            *PROFILE_COLUMNS
        )
    return rows, removed


def refresh(index: SuggestionIndex, stamp) -> SuggestionIndex:
    rows, removed = changes(index)
    return patch(index, rows, removed, stamp)


def patch(index: SuggestionIndex, rows, removed, stamp) -> SuggestionIndex:
    """A copy of `index` where `rows` (PROFILE_COLUMNS tuples) replace or join the profiles
    and the organisations `removed` leave."""
    positions = dict(index.positions)
    leaving = set(removed)
    rows = [r for r in rows if r[0] not in leaving]
    updated = [positions[r[0]] for r in rows if r[0] in positions]
    freed = [positions.pop(i) for i in removed if i in positions]
    new_ids = [r[0] for r in rows if r[0] not in positions]
    start = len(index)
    for offset, org_id in enumerate(new_ids):
        positions[org_id] = start + offset
    size = start + len(new_ids)
    out = np.asarray(updated + freed, dtype=np.int32)  # positions whose old content leaves
    into = np.asarray([positions[r[0]] for r in rows], dtype=np.int32)  # new content

    ids = np.concatenate([index.ids, np.asarray(new_ids, dtype=np.int64)])
    ids[freed] = -1
    raw = {f: index.raw[f] + [""] * len(new_ids) for f in TEXT_FIELDS}
    lists = {name: getattr(index, name) + [[] for _ in new_ids] for name in LISTS}
    lists["locality_list"] = index.locality_list + [""] * len(new_ids)
    columns = {
        name: np.concatenate(
            [getattr(index, name), np.full(len(new_ids), default, getattr(index, name).dtype)]
        )
        for name, default in COLUMN_DEFAULTS.items()
    }

    # Words leaving: the old content of changed and removed organisations.
    vocab = dict(index.vocab)
    df = index.df.copy()
    for pos in out.tolist():
        old = {vocab[t] for f in TEXT_FIELDS for t in index.raw[f][pos].split()}
        if old:
            np.subtract.at(df, np.fromiter(old, dtype=np.int64, count=len(old)), 1)

    # New content.
    cols = columns_of(rows)
    for n, (row, pos) in enumerate(zip(rows, into.tolist(), strict=True)):
        for i, f in enumerate(TEXT_FIELDS):
            raw[f][pos] = row[1 + i]
        for name in LISTS:
            lists[name][pos] = cols[name][n]
    for name in COLUMN_DEFAULTS:
        columns[name][into] = cols[name]
    for pos in freed:
        for f in TEXT_FIELDS:
            raw[f][pos] = ""
        for name in LISTS:
            lists[name][pos] = "" if name == "locality_list" else []
        for name, default in COLUMN_DEFAULTS.items():
            columns[name][pos] = default

    # Words arriving, and the entries of the inverted lists of words.
    extra_df: list[int] = []
    new_pairs = {f: ([], []) for f in TEXT_FIELDS}
    base = len(df)
    for pos in into.tolist():
        seen = set()
        for f in TEXT_FIELDS:
            docs, keys = new_pairs[f]
            for tok in raw[f][pos].split():
                key = vocab.get(tok)
                if key is None:
                    key = vocab[tok] = base + len(extra_df)
                    extra_df.append(0)
                docs.append(pos)
                keys.append(key)
                if key not in seen:
                    seen.add(key)
                    if key >= base:
                        extra_df[key - base] += 1
                    else:
                        df[key] += 1
    df = np.concatenate([df, np.asarray(extra_df, dtype=np.int64)])
    docs_by_field, keys_by_field = {}, {}
    for f in TEXT_FIELDS:
        old = index.text[f]
        keep = ~np.isin(old.docs, out) if len(out) else np.ones(len(old.docs), dtype=bool)
        kept_docs, kept_keys = old.docs[keep], old.keys()[keep]
        add_docs = np.asarray(new_pairs[f][0], dtype=np.int32)
        add_keys = np.asarray(new_pairs[f][1], dtype=np.int32)
        order = np.argsort(add_keys, kind="stable")
        add_docs, add_keys = add_docs[order], add_keys[order]
        at = np.searchsorted(kept_keys, add_keys, side="right")
        docs_by_field[f] = np.insert(kept_docs, at, add_docs)
        keys_by_field[f] = np.insert(kept_keys, at, add_keys)
    idf, text, norms = weighted(docs_by_field, keys_by_field, df, size, len(positions))

    # Themes, SDGs, countries and localities: only the changed positions move.
    inverted = {}
    moved = np.concatenate([out, into])
    revisions = dict(index.revisions)
    for org_id in removed:
        revisions.pop(org_id, None)
    revisions.update({int(r[0]): (r[16] if len(r) > 16 else 0) for r in rows})
    patched = SuggestionIndex(
        stamp=stamp,
        ids=ids,
        positions=positions,
        vocab=vocab,
        idf=idf,
        text=text,
        norms=norms,
        raw=raw,
        df=df,
        revisions=revisions,
        **lists,
        **columns,
    )
    for name, values_at in INVERTED.items():
        table = dict(getattr(index, name))
        touched = {v for pos in out.tolist() for v in values_at(index, pos)}
        arriving: dict = {}
        for pos in into.tolist():
            for v in values_at(patched, pos):
                arriving.setdefault(v, []).append(pos)
        for value in touched | arriving.keys():
            current = table.get(value, np.zeros(0, dtype=np.int32))
            current = current[~np.isin(current, moved)]
            added = np.asarray(arriving.get(value, []), dtype=np.int32)
            merged = np.sort(np.concatenate([current, added]))
            if len(merged):
                table[value] = merged
            else:
                table.pop(value, None)
        inverted[name] = table
    patched.themes, patched.sdgs = inverted["themes"], inverted["sdgs"]
    patched.countries, patched.localities = inverted["countries"], inverted["localities"]
    for name, lists_name in SIZES.items():
        column = np.concatenate([getattr(index, name), np.zeros(len(new_ids))])
        changed = np.concatenate([into, np.asarray(freed, dtype=np.int32)])
        column[changed] = sizes([getattr(patched, lists_name)[p] for p in changed.tolist()])
        setattr(patched, name, column)
    return patched
