"""Vocabulary lookups prefetched once per import: families, themes, SDGs, countries, DAC
sectors, booleans, and communes (memoised per name + postcode). A 100,000-row table asks the
database for a theme or a country zero times per row.

Tables are written by people, so every vocabulary accepts how people write it (docs/decisions.md
§28): the code, the French and the English label, each part of a label ("Gouvernance locale"
of "Gouvernance locale, appui institutionnel", "OSIM" of "… (OSIM)"), the themes' search
synonyms ("environnement", "commerce équitable"), pycountry's French and English country names
and ISO alpha-3 codes, "ODD 3" / "SDG 3" / "objectif 3", and the extra spellings of
`spellings.py` — whatever the case, accents, apostrophes, underscores or hyphens (`key`).
When two values share a spelling, the more precise kind wins (a code over a label over a part
of a label over a synonym), and a synonym two themes share is not guessed.

Every resolver takes the text of a cell and returns (values, unknown): what it recognised and
the parts it did not, so the mapper can reject a row naming each unknown value."""

import gettext as gettext_module
import re
from collections import OrderedDict

from django.utils import translation

from passerelles.actors.enums import Family
from passerelles.actors.validation import lookup_communes
from passerelles.core.text import fold
from passerelles.geo.models import Commune, Country
from passerelles.opendata.tables import spellings
from passerelles.vocab.models import DacSector, SdgGoal, SdgTarget, Theme

LIST_SEPARATOR = ";"
COMMUNE_CACHE_SIZE = 5000
_PUNCTUATION = re.compile(r"[\s_\-–—'’`\".,:/()\[\]]+")
_PREFIXES = "|".join(spellings.SDG_PREFIXES)
_SDG_NUMBER = re.compile(rf"^(?:(?:{_PREFIXES})\s*)?(?:n\s*o?\s*|numero\s*)?(\d{{1,2}})$")
_TARGET = re.compile(r"(?<![\d.])\d{1,2}\.[0-9a-zA-Z]{1,2}$")
AMBIGUOUS = object()  # a spelling two values share: never guessed


def key(text: str) -> str:
    """Comparable form of a spelling: folded (case, accents, œ), with apostrophes, underscores,
    hyphens and punctuation as single spaces. "Entreprise de l'ESS" → "entreprise de l ess"."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text).replace("°", " ")).split())


def label_parts(label: str) -> list[str]:
    """A label and its parts a person may write alone: without its parenthesis, the
    parenthesis, and each comma-separated part. "Université, recherche" → "université",
    "recherche"; "Organisation … migrations (OSIM)" → "Organisation … migrations", "OSIM"."""
    parts = []
    inner = re.findall(r"\(([^)]*)\)", label)
    outer = re.sub(r"\([^)]*\)", " ", label)
    parts.append(outer)
    parts.extend(inner)
    parts.extend(outer.split(","))
    return [part for part in parts if key(part)]


class _Index:
    """Spelling → value, filled by levels of precision: a spelling already given at a more
    precise level is kept; one two values share at the same level becomes AMBIGUOUS (the
    first value stays only if a more precise level named it)."""

    def __init__(self):
        self.values: dict[str, object] = {}
        self._level: dict[str, int] = {}

    def add(self, text: str, value, level: int) -> None:
        spelling = key(text)
        if not spelling:
            return
        known = self._level.get(spelling)
        if known is None:
            self.values[spelling], self._level[spelling] = value, level
        elif known == level and self.values[spelling] != value:
            self.values[spelling] = AMBIGUOUS

    def get(self, text: str):
        found = self.values.get(key(text))
        return None if found is AMBIGUOUS else found


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(LIST_SEPARATOR) if part.strip()]


def split_positions(text: str) -> list[str]:
    """A list whose positions matter (funding lines, localities): empty parts are kept, so
    "2024; ; 2025" is three values."""
    if not (text or "").strip():
        return []
    return [part.strip() for part in text.split(LIST_SEPARATOR)]


def parse_bool(text: str) -> bool | None:
    spelling = key(text) or (text or "").strip()
    if spelling in _TRUE:
        return True
    if spelling in _FALSE:
        return False
    return None


_TRUE = {key(s) or s for s in spellings.TRUE_SPELLINGS}
_FALSE = {key(s) or s for s in spellings.FALSE_SPELLINGS}


def bilingual(choices, aliases: dict | None = None) -> _Index:
    """TextChoices → an index of the code, the French and English labels, their parts, and
    the aliases given, to the code."""
    index = _Index()
    labels = []
    for code, label in choices:
        index.add(code, code, 0)
        for language in ("fr", "en"):
            with translation.override(language):
                labels.append((code, str(label)))
    for code, label in labels:
        index.add(label, code, 1)
    for code, label in labels:
        for part in label_parts(label):
            index.add(part, code, 2)
    for code, extra in (aliases or {}).items():
        for text in extra:
            index.add(text, code, 3)
    return index


def _pycountry_names() -> dict[str, list[str]]:
    """ISO alpha-2 → pycountry's alpha-3 code and names (official, common, French)."""
    import pycountry

    try:
        french = gettext_module.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover - pycountry always ships its catalogues
        french = gettext_module.NullTranslations()
    names: dict[str, list[str]] = {}
    for country in pycountry.countries:
        texts = [country.alpha_3, country.name]
        for attribute in ("official_name", "common_name"):
            if value := getattr(country, attribute, None):
                texts.append(value)
        texts += [french.gettext(text) for text in texts[1:]]
        names[country.alpha_2] = texts
    return names


class Lookups:
    def __init__(self):
        self.families = bilingual(Family.choices, spellings.FAMILY_ALIASES)
        self.abroad = {key(text) for text in spellings.ABROAD_SPELLINGS}
        self.themes = _Index()
        self.theme_by_pk: dict[int, Theme] = {}
        themes = list(Theme.objects.active())
        for theme in themes:
            self.theme_by_pk[theme.pk] = theme
            for text in (theme.slug, theme.essglobal_code):
                self.themes.add(text or "", theme, 0)
        for level, texts in (
            (1, lambda t: (t.name_fr, t.name_en)),
            (2, lambda t: [p for name in (t.name_fr, t.name_en) for p in label_parts(name)]),
            (3, lambda t: t.synonym_list()),
        ):
            for theme in themes:
                for text in texts(theme):
                    self.themes.add(text, theme, level)
        self.sdg_by_code = {goal.code: goal for goal in SdgGoal.objects.all()}
        self.sdgs = _Index()
        for goal in self.sdg_by_code.values():
            self.sdgs.add(goal.name_fr, goal, 1)
            self.sdgs.add(goal.name_en, goal, 1)
        self.target_by_code = {t.code: t for t in SdgTarget.objects.all()}
        # "3.d" and "3.D", "ODD 3.d", "cible 3.d": the code in the cell, whatever its case.
        self._targets = {t.code.lower(): t for t in self.target_by_code.values()}
        self.country_by_code = {c.code: c for c in Country.objects.all()}
        self.countries = _Index()
        for country in self.country_by_code.values():
            self.countries.add(country.code, country, 0)
            self.countries.add(country.name_fr, country, 1)
            self.countries.add(country.name_en, country, 1)
        for code, texts in _pycountry_names().items():
            if (country := self.country_by_code.get(code)) is not None:
                for text in texts:
                    self.countries.add(text, country, 2)
        for code, texts in spellings.COUNTRY_ALIASES.items():
            if (country := self.country_by_code.get(code)) is not None:
                for text in texts:
                    self.countries.add(text, country, 3)
        self.dac_by_code = {s.code: s for s in DacSector.objects.filter(is_active=True)}
        self._communes: OrderedDict[tuple[str, str], list[Commune]] = OrderedDict()
        self._by_str_key: dict[str, dict[str, object]] = {}

    def by_str_key(self, name: str) -> dict[str, object]:
        """One of the dicts above (`theme_by_pk`, `country_by_code`, …) keyed by strings, built
        once: a form per row reads it instead of rebuilding it."""
        found = self._by_str_key.get(name)
        if found is None:
            found = self._by_str_key[name] = {str(k): v for k, v in getattr(self, name).items()}
        return found

    # -- single values --------------------------------------------------------------------

    def family(self, text: str) -> str | None:
        return self.families.get(text)

    def is_abroad(self, text: str) -> bool:
        """The retired "partner abroad" family, however written."""
        return key(text) in self.abroad

    def country(self, text: str) -> Country | None:
        return self.countries.get(text)

    def target(self, text: str) -> SdgTarget | None:
        match = _TARGET.search(text or "")
        return self._targets.get(match.group(0).lower()) if match else None

    def sdg(self, text: str) -> SdgGoal | None:
        """A goal by number ("3", "ODD 3", "SDG n°3", "objectif 3") or by name."""
        if match := _SDG_NUMBER.match(key(text)):
            return self.sdg_by_code.get(int(match.group(1)))
        return self.sdgs.get(text)

    def communes(self, text: str, postcode: str = "") -> list[Commune]:
        """The organisation form's own lookup (`actors.forms.lookup_communes`), memoised: a
        file names the same communes on thousands of rows. Bounded, so memory stays flat."""
        cache_key = (key(text), (postcode or "").strip())
        found = self._communes.get(cache_key)
        if found is None:
            found = lookup_communes(text, postcode)
            self._communes[cache_key] = found
            if len(self._communes) > COMMUNE_CACHE_SIZE:
                self._communes.popitem(last=False)
        return found

    def commune(self, text: str, postcode: str = "") -> Commune | None:
        found = self.communes(text, postcode)
        return found[0] if len(found) == 1 else None

    # -- lists ------------------------------------------------------------------------------

    def theme_list(self, text: str) -> tuple[list[Theme], list[str]]:
        return self._resolve(text, self.themes.get)

    def sdg_list(self, text: str) -> tuple[list[SdgGoal], list[str]]:
        def goal(part: str):
            found = self.sdg(part)
            if found is None and "." in part:
                # A target ("3.8") names its goal.
                target = self.target(part)
                found = target.goal if target is not None else None
            return found

        return self._resolve(text, goal)

    def sdg_target_list(self, text: str) -> tuple[list[SdgTarget], list[SdgGoal], list[str]]:
        """SDG targets ("3.8") for projects, which carry targets only. A goal alone ("3",
        "ODD 3") is recognised but not kept (like the IATI import): returned apart so the
        report can say so, rather than rejecting the row or guessing a target."""
        targets, goals, unknown = [], [], []
        for part in split_list(text):
            target = self.target(part)
            if target is not None:
                if target not in targets:
                    targets.append(target)
                continue
            goal = self.sdg(part)
            if goal is not None:
                goals.append(goal)
            else:
                unknown.append(part)
        return targets, goals, unknown

    def country_list(self, text: str) -> tuple[list[Country], list[str]]:
        return self._resolve(text, self.country)

    def dac_list(self, text: str) -> tuple[list[DacSector], list[str]]:
        return self._resolve(text, lambda part: self.dac_by_code.get(part.strip()))

    @staticmethod
    def _resolve(text, find) -> tuple[list, list[str]]:
        found, unknown, seen = [], [], set()
        for part in split_list(text):
            value = find(part)
            if value is None:
                unknown.append(part)
            elif value.pk not in seen:
                seen.add(value.pk)
                found.append(value)
        return found, unknown
