"""Vocabulary lookups prefetched once per import: families, themes, SDGs, countries, DAC
sectors, and communes (memoised per name + postcode). A 100,000-row table asks the database
for a theme or a country zero times per row.

Every resolver takes the text of a cell and returns (values, unknown): what it recognised and
the parts it did not, so the mapper can reject a row naming each unknown value."""

from collections import OrderedDict

from django.utils import translation

from passerelles.actors.enums import Family
from passerelles.actors.validation import lookup_communes
from passerelles.core.text import fold
from passerelles.geo.models import Commune, Country
from passerelles.vocab.models import DacSector, SdgGoal, SdgTarget, Theme

LIST_SEPARATOR = ";"
COMMUNE_CACHE_SIZE = 5000


def key(text: str) -> str:
    """Comparable form of a label: folded, punctuation-insensitive spacing."""
    return " ".join(fold(text).replace("’", "'").split())


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(LIST_SEPARATOR) if part.strip()]


def _bilingual(choices) -> dict[str, str]:
    """TextChoices → {code, French label, English label (folded)} → code."""
    index = {}
    for code, label in choices:
        index[key(code)] = code
        for language in ("fr", "en"):
            with translation.override(language):
                index[key(str(label))] = code
    return index


class Lookups:
    def __init__(self):
        self.families = _bilingual(Family.choices)
        self.themes: dict[str, Theme] = {}
        self.theme_by_pk: dict[int, Theme] = {}
        for theme in Theme.objects.active():
            self.theme_by_pk[theme.pk] = theme
            for text in (theme.slug, theme.name_fr, theme.name_en, theme.essglobal_code):
                if text:
                    self.themes.setdefault(key(text), theme)
        self.sdg_by_code = {goal.code: goal for goal in SdgGoal.objects.all()}
        self.sdgs: dict[str, SdgGoal] = {}
        for goal in self.sdg_by_code.values():
            for text in (
                str(goal.code),
                f"odd {goal.code}",
                f"odd{goal.code}",
                f"sdg {goal.code}",
                f"sdg{goal.code}",
                goal.name_fr,
                goal.name_en,
            ):
                self.sdgs.setdefault(key(text), goal)
        self.target_by_code = {t.code: t for t in SdgTarget.objects.all()}
        self.country_by_code = {c.code: c for c in Country.objects.all()}
        self.countries: dict[str, Country] = {}
        for country in self.country_by_code.values():
            for text in (country.code, country.name_fr, country.name_en):
                self.countries.setdefault(key(text), country)
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
        return self.families.get(key(text))

    def country(self, text: str) -> Country | None:
        return self.countries.get(key(text))

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
        return self._resolve(text, lambda part: self.themes.get(key(part)))

    def sdg_list(self, text: str) -> tuple[list[SdgGoal], list[str]]:
        def goal(part: str):
            found = self.sdgs.get(key(part))
            if found is None and "." in part:
                # A target ("3.8") names its goal.
                target = self.target_by_code.get(part.strip().upper())
                found = target.goal if target is not None else None
            return found

        return self._resolve(text, goal)

    def sdg_target_list(self, text: str) -> tuple[list[SdgTarget], list[SdgGoal], list[str]]:
        """SDG targets ("3.8") for projects, which carry targets only. A goal alone ("3",
        "ODD 3") is recognised but not kept (like the IATI import): returned apart so the
        report can say so, rather than rejecting the row or guessing a target."""
        targets, goals, unknown = [], [], []
        for part in split_list(text):
            target = self.target_by_code.get(part.strip().upper())
            if target is not None:
                if target not in targets:
                    targets.append(target)
                continue
            goal = self.sdgs.get(key(part))
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
