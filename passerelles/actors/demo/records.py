"""One demo organisation at a time: family, flags, place, name, identifiers, texts and links,
as unsaved Organisation instances ready for bulk_create (so everything save() would compute,
slug, side, department, point, is set here)."""

import random
import re
from datetime import datetime, timedelta

from django.utils.text import slugify

from passerelles.actors.demo import names, texts
from passerelles.actors.demo.countries import PartnerCountry
from passerelles.actors.demo.identifiers import Identifiers
from passerelles.actors.demo.places import Places
from passerelles.actors.demo.pools import AGGLOMERATIONS, DEPARTMENTS, REGION_NAME, STREETS
from passerelles.actors.demo.themes import FAMILY_THEMES, THEMES
from passerelles.actors.enums import Family, Side, Size, Status
from passerelles.actors.legal_forms import ess_by_legal_form
from passerelles.actors.models import Organisation
from passerelles.core.text import fold, normalise_name
from passerelles.vocab.models import Theme

# Organisations here per family, out of 374 (scaled to the requested size).
FAMILY_WEIGHTS = (
    (Family.SI_ASSOCIATION, 80),
    (Family.DIASPORA, 24),
    (Family.LOCAL_AUTHORITY, 40),
    (Family.SCHOOL, 26),
    (Family.UNIVERSITY, 12),
    (Family.HEALTH, 10),
    (Family.ESS_ENTERPRISE, 64),
    (Family.PEASANT_ORG, 24),
    (Family.COMPANY, 28),
    (Family.CITIZEN_GROUP, 30),
    (Family.NETWORK, 18),
    (Family.FOUNDATION, 10),
    (Family.PUBLIC_FUNDER, 8),
)
# Per family: probability of international solidarity, of ESS, of a SIREN. Tuned so the whole
# dataset is about one third ESS and one half international solidarity.
FLAGS = {
    Family.SI_ASSOCIATION: (1.0, 0.12, 0.35),
    Family.DIASPORA: (1.0, 0.15, 0.2),
    Family.LOCAL_AUTHORITY: (0.35, 0.0, 0.85),
    Family.SCHOOL: (0.25, 0.1, 0.7),
    Family.UNIVERSITY: (0.4, 0.0, 0.6),
    Family.HEALTH: (0.2, 0.3, 0.8),
    Family.ESS_ENTERPRISE: (0.12, 1.0, 0.9),
    Family.PEASANT_ORG: (0.25, 0.7, 0.6),
    Family.COMPANY: (0.08, 0.05, 0.95),
    Family.CITIZEN_GROUP: (0.2, 0.2, 0.0),
    Family.NETWORK: (0.4, 0.5, 0.5),
    Family.FOUNDATION: (0.4, 0.7, 0.6),
    Family.PUBLIC_FUNDER: (0.5, 0.0, 0.7),
}
SIZES = {
    Family.CITIZEN_GROUP: (Size.NONE,),
    Family.DIASPORA: (Size.NONE, Size.NONE, Size.SMALL),
    Family.SI_ASSOCIATION: (Size.NONE, Size.NONE, Size.SMALL, Size.MEDIUM),
    Family.LOCAL_AUTHORITY: (Size.MEDIUM, Size.LARGE, Size.LARGE),
    Family.HEALTH: (Size.LARGE,),
    Family.SCHOOL: (Size.MEDIUM, Size.LARGE),
    Family.UNIVERSITY: (Size.MEDIUM, Size.LARGE),
}
# Families whose members tend to sit in bigger towns.
URBAN = {Family.UNIVERSITY, Family.HEALTH, Family.NETWORK, Family.PUBLIC_FUNDER}
# The themes and wordings of partners abroad (themes.FAMILY_THEMES, texts), whatever their
# family: a commune there works on water and schooling more than one here does.
PARTNER_PROFILE = "abroad"
# Keywords of names abroad → the theme they suggest first.
ABROAD_THEME_HINTS = (
    ("santé", "sante"),
    ("eau", "eau-assainissement"),
    ("agricole", "agriculture"),
    ("producteurs", "agriculture"),
    ("Tantsaha", "agriculture"),
    ("productores", "agriculture"),
    ("femmes", "droits-genre"),
    ("Jigéen", "droits-genre"),
    ("féminine", "droits-genre"),
    ("jeunes", "jeunesse-mobilite"),
    ("Lycée", "education-formation"),
    ("formation", "education-formation"),
    ("Commune", "gouvernance-locale"),
    ("Radio", "culture-francophonie"),
    ("artisans", "economie-ess"),
    ("Coop", "economie-ess"),
    ("Mutuelle", "sante"),
)
# Families that commonly go by an acronym (a "Commune de …" or a lycée does not).
ACRONYM_FAMILIES = {
    Family.SI_ASSOCIATION,
    Family.DIASPORA,
    Family.UNIVERSITY,
    Family.ESS_ENTERPRISE,
    Family.PEASANT_ORG,
    Family.NETWORK,
    Family.PUBLIC_FUNDER,
}
_ACRONYM_SKIP = {"de", "du", "des", "la", "le", "les", "et", "pour", "en", "à", "au", "aux", "–"}


def family_counts(here: int) -> list[tuple[str, int]]:
    """Split `here` organisations among families by weight (largest remainder), at least one
    per family as soon as there is room for all of them."""
    total = sum(w for _, w in FAMILY_WEIGHTS)
    exact = [(f.value, here * w / total) for f, w in FAMILY_WEIGHTS]
    counts = {f: int(x) for f, x in exact}
    if here >= len(FAMILY_WEIGHTS):
        for f in counts:
            counts[f] = max(counts[f], 1)
    rest = here - sum(counts.values())
    by_remainder = sorted(exact, key=lambda fx: fx[1] - int(fx[1]), reverse=True)
    i = 0
    while rest > 0:
        counts[by_remainder[i % len(by_remainder)][0]] += 1
        rest, i = rest - 1, i + 1
    while rest < 0:  # the "at least one" rule overshot: take from the biggest family
        biggest = max(counts, key=counts.get)
        counts[biggest] -= 1
        rest += 1
    return [(f.value, counts[f.value]) for f, _ in FAMILY_WEIGHTS]


def acronym_of(name: str) -> str:
    words = [w for w in name.replace("'", " ").replace("-", " ").split() if w]
    letters = [
        fold(w[0]).upper() for w in words if w.lower() not in _ACRONYM_SKIP and w[0].isalpha()
    ]
    return "".join(letters) if 3 <= len(letters) <= 6 else ""


class DemoRecords:
    def __init__(
        self,
        *,
        rng: random.Random,
        places: Places,
        identifiers: Identifiers,
        taken_slugs: set[str],
        now: datetime,
    ):
        self.rng = rng
        self.places = places
        self.ids = identifiers
        self.slugs = taken_slugs
        self.now = now
        self.theme_ids = dict(Theme.objects.values_list("slug", "pk"))
        # Matching keys already used, as the duplicate detector computes them: a name collision
        # would show up as a false "likely duplicate".
        self.seen: set[tuple[str, str]] = set()
        self.used_communes: set[str] = set()
        self.links: dict[str, dict[str, list]] = {"themes": {}, "sdgs": {}, "countries": {}}
        self.authority_queue = self._authorities()

    # -- places and names ------------------------------------------------------------------

    def _authorities(self) -> list[tuple[dict, str, str]]:
        """Region, departments and agglomerations first: every network has them as members."""
        by_code = {c["insee_code"]: c for c in self.places.communes}
        seat = self.places.main_town
        queue = [(seat("45"), f"Région {REGION_NAME}", "7230")]
        for code, (of, _pays) in DEPARTMENTS.items():
            queue.append((seat(code), f"Conseil départemental {of}", "7220"))
        for insee, name in AGGLOMERATIONS.items():
            if insee in by_code:
                form = "7344" if "Métropole" in name else "7348"
                queue.append((by_code[insee], name, form))
        # The six prefectures' towns, which every regional network counts among its members.
        for code in DEPARTMENTS:
            town = seat(code)
            queue.append((town, texts.contract(f"Ville de {town['name']}"), "7210"))
            self.used_communes.add(town["insee_code"])
        return queue

    def _unique(self, name: str, place_key: str) -> str:
        key = (normalise_name(name), place_key)
        if key not in self.seen:
            self.seen.add(key)
            return name
        n = 2
        while (normalise_name(f"{name} n° {n}"), place_key) in self.seen:
            n += 1
        self.seen.add((normalise_name(f"{name} n° {n}"), place_key))
        return f"{name} n° {n}"

    def _slug(self, name: str) -> str:
        base = slugify(name)[:200].strip("-") or "organisation"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def _here_name(self, family: str, country, locality: str):
        """(place, name, legal form): retries a few times on a name already used in the same
        commune, then numbers it."""
        rng = self.rng
        if family == Family.LOCAL_AUTHORITY and self.authority_queue:
            place, name, form = self.authority_queue.pop(0)
            return place, self._unique(name, place["insee_code"]), form
        attempts = 8
        for attempt in range(attempts):
            authority = family == Family.LOCAL_AUTHORITY
            place = self.places.any_commune(rng) if authority else self.places.commune(rng)
            last = attempt == attempts - 1
            small = (place["population"] or 0) < 5000
            if not last and family in URBAN and small and rng.random() < 0.8:
                continue
            used = place["insee_code"] in self.used_communes
            if not last and family == Family.LOCAL_AUTHORITY and used:
                continue
            if family == Family.LOCAL_AUTHORITY:
                name, form = names.local_authority(rng, place, first=not used)
            else:
                name, form = names.HERE[family](rng, place, country, locality)
            name = texts.contract(name)
            if (normalise_name(name), place["insee_code"]) not in self.seen:
                break
        if family == Family.LOCAL_AUTHORITY:
            self.used_communes.add(place["insee_code"])
        return place, self._unique(name, place["insee_code"]), form

    # -- content ---------------------------------------------------------------------------

    def _themes(self, family: str, first: str | None = None) -> list[str]:
        pool = list(FAMILY_THEMES[family])
        weights = [len(pool) - i + 1 for i in range(len(pool))]
        picked = [first] if first else []
        for _ in range(self.rng.choice((1, 2, 2, 3))):
            t = self.rng.choices(pool, weights=weights)[0]
            if t not in picked:
                picked.append(t)
        return picked

    def _sdgs(self, themes: list[str]) -> list[int]:
        pool: list[int] = []
        for t in themes:
            pool += [g for g in THEMES[t]["sdgs"] if g not in pool]
        k = min(len(pool), self.rng.randint(1, 4))
        return [pool[0]] + self.rng.sample(pool[1:], k=k - 1) if k > 1 else pool[:1]

    def _link(self, source_id: str, themes, sdgs, countries):
        self.links["themes"][source_id] = [self.theme_ids[t] for t in themes if t in self.theme_ids]
        self.links["sdgs"][source_id] = list(sdgs)
        self.links["countries"][source_id] = list(countries)

    def _contact(self, org: Organisation, *, abroad: bool):
        rng = self.rng
        host = org.slug[:40].strip("-")
        if rng.random() < 0.6:
            org.website = f"https://{host}.example"
        if rng.random() < 0.75:
            org.email = f"contact@{host}.example"
        if not abroad and rng.random() < 0.5:
            digits = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
            org.phone = f"02 {digits}"

    def _common(self, n: int) -> dict:
        rng = self.rng
        return {
            "source": "demo",
            "source_id": f"demo--{n + 1}",
            "imported_at": self.now,
            "status": Status.PUBLISHED,
            "created_at": self.now - timedelta(days=rng.randint(1, 1500), minutes=n % 1440),
            "last_verified_at": (
                self.now - timedelta(days=rng.randint(1, 400)) if rng.random() < 0.6 else None
            ),
        }

    # -- the two kinds of organisation -----------------------------------------------------

    def here(self, family: str, n: int) -> Organisation:
        rng = self.rng
        p_si, p_ess, p_siren = FLAGS[Family(family)]
        is_si = rng.random() < p_si
        is_ess = rng.random() < p_ess
        countries = self.places.countries(rng, rng.choice((1, 1, 1, 2, 2, 3))) if is_si else []
        country = countries[0] if countries else self.places.country(rng)
        locality = self.places.locality(rng, country)[0]
        place, name, form = self._here_name(family, country, locality)
        # The flag follows the legal form as the app derives it (legal_forms.py): an AMAP or
        # any association is ESS, a lycée or a commune is not; only companies' flags are drawn.
        by_law = ess_by_legal_form(form)
        if by_law is not None:
            if by_law and not is_ess and form.startswith("9"):
                # Some associations' legal form is left unknown, as in real directories (the
                # mix of the dataset); they are associations all the same, hence ESS.
                form = ""
            is_ess = by_law
        themes = self._themes(family)
        if is_si and "ecsi" not in themes and rng.random() < 0.15:
            themes.append("ecsi")
        sdgs = self._sdgs(themes)
        # "Boutique équitable de Salbris" is not known as "BES": no acronym for names of a place.
        wants_acronym = family in ACRONYM_FAMILIES and place["name"] not in name
        acronym = acronym_of(name) if wants_acronym and rng.random() < 0.4 else ""
        siren = self.ids.siren() if rng.random() < p_siren else ""
        association = form in ("9220", "9221", "9230") or (
            not form and family in (Family.SI_ASSOCIATION, Family.DIASPORA, Family.NETWORK)
        )
        year = (
            None if family in (Family.LOCAL_AUTHORITY, Family.HEALTH) else rng.randint(1965, 2024)
        )
        spread = 0.008 if (place["population"] or 0) > 20_000 else 0.002
        org = Organisation(
            name=name,
            slug=self._slug(name),
            acronym=acronym,
            family=family,
            is_ess=is_ess,
            is_si=is_si,
            legal_form=form,
            siren=siren,
            siret=self.ids.siret(siren) if siren and rng.random() < 0.5 else "",
            rna=self.ids.rna(place["department"]) if association and rng.random() < 0.7 else "",
            mission=texts.mission(rng, themes, countries[0] if countries else None, None),
            description=texts.description(
                rng,
                name=name,
                family=family,
                is_si=is_si,
                themes=themes,
                place=place["name"],
                countries=countries,
                year=year,
            ),
            offers=texts.offers(rng, family, themes),
            needs=texts.needs(rng, themes, countries),
            languages=["fr"] + [c.language for c in countries[:1] if c.language != "fr"],
            size=rng.choice(SIZES.get(Family(family), (Size.NONE, Size.SMALL, Size.MEDIUM))),
            side=Side.HERE,
            address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            postcode=(place["postcodes"] or [""])[0],
            commune_id=place["insee_code"],
            department_id=place["department"],
            country_id="FR",
            lat=round(place["lat"] + rng.uniform(-spread, spread), 6),
            lon=round(place["lon"] + rng.uniform(-spread, spread), 6),
            **self._common(n),
        )
        self._contact(org, abroad=False)
        self._link(org.source_id, themes, sdgs, [c.code for c in countries])
        return org

    def abroad(self, n: int, first_of: PartnerCountry | None = None) -> Organisation:
        """An organisation abroad; `first_of` forces the country (each partner country gets
        at least one organisation when the dataset is big enough)."""
        rng = self.rng
        for _attempt in range(8):
            country = first_of or self.places.country(rng)
            locality, lat, lon = self.places.locality(rng, country)
            name, family, is_ess, is_si = names.abroad(rng, country, locality)
            place_key = f"{country.code}:{fold(locality)}"
            if (normalise_name(name), place_key) not in self.seen:
                break
        name = self._unique(name, place_key)
        # At a word start: "eau" is in "Réseau" too.
        hint = next((t for word, t in ABROAD_THEME_HINTS if re.search(rf"\b{word}", name)), None)
        themes = self._themes(PARTNER_PROFILE, first=hint)
        sdgs = self._sdgs(themes)
        where = f"{locality} ({country.name})"
        org = Organisation(
            name=name,
            slug=self._slug(name),
            acronym=acronym_of(name) if rng.random() < 0.3 else "",
            family=family,
            is_ess=is_ess,
            is_si=is_si,
            mission=texts.contract(texts.mission(rng, themes, None, None)[:-1] + f" à {where}."),
            description=texts.description(
                rng,
                name=name,
                family=PARTNER_PROFILE,
                is_si=is_si,
                themes=themes,
                place=where,
                countries=[],
                year=rng.randint(1975, 2024),
            ),
            offers=texts.offers(rng, PARTNER_PROFILE, themes),
            needs=texts.abroad_needs(rng, themes),
            languages=["fr"] if country.language == "fr" else [country.language, "fr"],
            size=rng.choice((Size.NONE, Size.SMALL, Size.SMALL, Size.MEDIUM)),
            side=Side.THERE,
            country_id=country.code,
            locality=locality,
            lat=lat,
            lon=lon,
            **self._common(n),
        )
        self._contact(org, abroad=True)
        self._link(org.source_id, themes, sdgs, [country.code])
        return org

    # -- moderation ------------------------------------------------------------------------

    def moderation_content(self, orgs: list[Organisation]):
        """Turn a few records into proposals waiting for moderation (status pending) and into
        likely duplicates of others (same SIREN, or same normalised name in the same commune).
        Records are replaced in place so the requested size stays exact."""
        if len(orgs) < 40:
            return [], []
        rng = self.rng
        here = [i for i, o in enumerate(orgs) if o.side == Side.HERE]
        abroad = [i for i, o in enumerate(orgs) if o.side == Side.THERE]
        # Fresh proposals: a few ordinary records, here and abroad, now waiting for staff.
        pending = [orgs[i] for i in rng.sample(here, 3) + rng.sample(abroad, min(2, len(abroad)))]
        for o in pending:
            o.status = Status.PENDING
            o.last_verified_at = None
        # Associations with a SIREN: "Association X" for "X" is the classic double entry.
        with_siren = [
            i
            for i in here
            if orgs[i].siren
            and orgs[i].status == Status.PUBLISHED
            and orgs[i].family in (Family.SI_ASSOCIATION, Family.DIASPORA)
            and not orgs[i].name.startswith("Association")
        ]
        if len(with_siren) < 3:
            return pending, []
        originals = rng.sample(with_siren, 3)
        # Slots given up for duplicates or archived: ordinary records of the big families,
        # never the region, a department or a prefecture's town.
        common = (Family.SI_ASSOCIATION, Family.ESS_ENTERPRISE, Family.CITIZEN_GROUP)
        free = [
            i
            for i in here
            if orgs[i].status == Status.PUBLISHED
            and orgs[i].family in common
            and i not in originals
        ]
        replaced = rng.sample(free, 3)
        duplicates = []
        variants = (
            lambda o: f"Association {o.name}",
            lambda o: fold(o.name).upper(),  # typed in capitals, without accents
            lambda o: fold(o.name).title(),  # an old import's spelling
        )
        for k, (orig_i, slot) in enumerate(zip(originals, replaced, strict=True)):
            original, gone = orgs[orig_i], orgs[slot]
            dup = self._clone(original, gone, variants[k](original).strip())
            if k == 0:
                dup.rna = ""  # same SIREN, name typed differently: the classic double entry
            else:
                dup.siren = dup.siret = dup.rna = ""  # same name, same commune, no identifier
            # Two duplicates arrive as proposals; the third was published by an old import.
            dup.status = Status.PENDING if k < 2 else Status.PUBLISHED
            orgs[slot] = dup
            duplicates.append((original, dup))
            if dup.status == Status.PENDING:
                pending.append(dup)
        # Two structures that stopped: archived, out of the directory but kept for history.
        for i in rng.sample([i for i in free if i not in replaced], 2):
            orgs[i].status = Status.ARCHIVED
        return pending, duplicates

    def _clone(self, original: Organisation, gone: Organisation, name: str) -> Organisation:
        fields = {
            f.attname: getattr(original, f.attname)
            for f in Organisation._meta.concrete_fields
            if not f.primary_key
        }
        dup = Organisation(**fields)
        dup.name = name
        dup.slug = self._slug(name)
        dup.acronym = ""
        dup.source_id = gone.source_id
        dup.created_at = self.now - timedelta(days=self.rng.randint(1, 20))
        dup.last_verified_at = None
        for key in self.links:
            self.links[key][dup.source_id] = list(self.links[key][original.source_id])
        return dup
