"""A generated dataset for the bridges benchmark, whose partnerships come from a process that
is NOT the suggester's scoring: organisations have latent interests; their texts and declared
themes are noisy views of them; partnerships are sampled from latent affinity, true (partly
undeclared) countries and a preference between families, with random noise.

Texts reuse the demo's French phrase pools per theme (passerelles/actors/demo/themes.py), so
the vocabulary is realistic; which phrases an organisation shows is random."""

import math
import random
from dataclasses import dataclass

from passerelles.actors.demo.countries import PARTNER_COUNTRIES
from passerelles.actors.demo.themes import THEMES
from passerelles.bridges.suggest.hints import families_wanted
from passerelles.bridges.suggest.text import terms
from passerelles.core.search.text import tokens

THEME_KEYS = sorted(THEMES)
HERE_FAMILIES = [
    "si_association",
    "diaspora",
    "local_authority",
    "school",
    "university",
    "health",
    "ess_enterprise",
    "peasant_org",
    "network",
]
DEPARTMENTS = {
    "18": (47.08, 2.40),
    "28": (48.45, 1.49),
    "36": (46.81, 1.69),
    "37": (47.39, 0.69),
    "41": (47.59, 1.33),
    "45": (47.90, 1.90),
}
# Which families like to work together (the generator's own taste, not the scorer's weights).
AFFINITY = {
    ("si_association", "abroad"): 1.6,
    ("diaspora", "abroad"): 1.8,
    ("local_authority", "abroad"): 1.4,
    ("ess_enterprise", "abroad"): 1.2,
    ("ess_enterprise", "si_association"): 1.3,
    ("university", "si_association"): 1.1,
    ("school", "abroad"): 1.0,
    ("health", "abroad"): 1.2,
}


@dataclass
class GenOrg:
    pos: int
    family: str
    side: str
    interests: dict  # theme key → weight (latent)
    countries: list  # true countries (here: where it acts; there: its own)
    declared_countries: list
    department: str
    locality: str
    lat: float
    lon: float
    offers: str
    needs: str
    about: str
    themes: list  # declared theme keys (noisy)
    is_ess: bool
    is_si: bool


def _phrases(rng, interests, kind, k):
    keys = list(interests)
    weights = [interests[t] for t in keys]
    out = []
    for _ in range(k):
        theme = rng.choices(keys, weights)[0] if rng.random() > 0.25 else rng.choice(THEME_KEYS)
        out.append(rng.choice(THEMES[theme][kind]))
    return out


def generate(n: int, seed: int) -> list[GenOrg]:
    rng = random.Random(seed)
    countries = [c for c in PARTNER_COUNTRIES]
    orgs = []
    for pos in range(n):
        there = rng.random() < 0.25
        k = rng.choice((1, 1, 2, 2, 3))
        interests = {t: rng.random() + 0.2 for t in rng.sample(THEME_KEYS, k)}
        if there:
            c = rng.choices(countries, weights=[c.weight for c in countries])[0]
            true_countries, family = [c.code], "abroad"
            locality = rng.choice(c.localities)
            lat, lon, dept = 12.0 + rng.uniform(-5, 5), -2.0 + rng.uniform(-5, 5), ""
            declared = [c.code]
        else:
            family = rng.choice(HERE_FAMILIES)
            m = rng.choice((0, 1, 1, 2))
            true_countries = [
                c.code for c in rng.choices(countries, weights=[c.weight for c in countries], k=m)
            ]
            # Half of the organisations do not declare every country they work in.
            declared = [c for c in true_countries if rng.random() < 0.6]
            dept = rng.choice(sorted(DEPARTMENTS))
            lat0, lon0 = DEPARTMENTS[dept]
            lat, lon, locality = lat0 + rng.uniform(-0.3, 0.3), lon0 + rng.uniform(-0.3, 0.3), ""
        offers = _phrases(rng, interests, "offers", rng.randint(1, 3))
        needs = [
            n.format(in_="", locality="")
            for n in _phrases(rng, interests, "needs", rng.randint(0, 2))
        ]
        actions = _phrases(rng, interests, "actions", 2)
        themes = [t for t in interests if rng.random() < 0.7]
        if rng.random() < 0.15:
            themes.append(rng.choice(THEME_KEYS))
        is_ess = family in ("ess_enterprise", "peasant_org") or (there and rng.random() < 0.4)
        is_si = family in ("si_association", "diaspora") or (
            family == "local_authority" and rng.random() < 0.5
        )
        orgs.append(
            GenOrg(
                pos,
                family,
                "there" if there else "here",
                interests,
                true_countries,
                declared,
                dept,
                locality,
                lat,
                lon,
                "\n".join(offers),
                "\n".join(needs),
                "Nous agissons pour " + " et pour ".join(actions) + ".",
                sorted(set(themes)),
                is_ess,
                is_si,
            )
        )
    return orgs


def affinity(a: GenOrg, b: GenOrg) -> float:
    latent = sum(a.interests[t] * b.interests.get(t, 0) for t in a.interests)
    geo = 1.0 if (set(a.countries) & set(b.countries)) else 0.15
    fam = AFFINITY.get((a.family, b.family)) or AFFINITY.get((b.family, a.family)) or 0.6
    if a.side == b.side == "here":
        d = math.hypot(a.lat - b.lat, a.lon - b.lon)
        geo *= 0.5 + math.exp(-d / 0.5)
    return math.exp(2.0 * latent) * geo * fam


def partnerships(orgs: list[GenOrg], seed: int, sample: int = 300) -> set[tuple[int, int]]:
    """Each organisation here picks 0-2 partners among a random sample, by latent affinity
    plus noise (a fifth of the picks are random)."""
    rng = random.Random(seed + 1)
    pairs = set()
    for a in orgs:
        if a.side != "here":
            continue
        for _ in range(rng.choice((0, 1, 1, 2))):
            pool = rng.sample(orgs, min(sample, len(orgs)))
            pool = [b for b in pool if b.pos != a.pos]
            if rng.random() < 0.2:
                b = rng.choice(pool)
            else:
                b = rng.choices(pool, weights=[affinity(a, b) for b in pool])[0]
            pairs.add((min(a.pos, b.pos), max(a.pos, b.pos)))
    return pairs


def profile_rows(orgs: list[GenOrg]) -> list[tuple]:
    theme_ids = {t: i + 1 for i, t in enumerate(THEME_KEYS)}

    def uniq(text):
        return " ".join(dict.fromkeys(terms(text)))

    return [
        (
            o.pos + 1,
            uniq(o.offers),
            uniq(o.needs),
            uniq(o.about),
            " ".join(str(theme_ids[t]) for t in o.themes),
            "",
            " ".join(o.declared_countries),
            o.locality.lower(),
            o.family,
            o.side,
            o.department,
            o.is_ess,
            o.is_si,
            o.lat,
            o.lon,
            0,
        )
        for o in orgs
    ]


def wanted(o: GenOrg) -> set:
    return families_wanted(tokens(o.needs))
