"""Where demo organisations are: real communes of the network's region, weighted towards the
big towns but spread over the countryside, and real localities abroad, geocoded offline."""

import bisect
import itertools
import random
from dataclasses import dataclass

from django.conf import settings

from passerelles.actors.demo import pools
from passerelles.actors.demo.countries import PARTNER_COUNTRIES, PartnerCountry
from passerelles.geo.gazetteer import geocode_abroad
from passerelles.geo.models import Commune


@dataclass
class Places:
    communes: list[dict]
    cumulative: list[float]
    by_department: dict[str, list[dict]]
    # (country, locality) → (lat, lon), every one found by the gazetteer.
    points: dict[tuple[str, str], tuple[float, float]]
    country_cumulative: list[float]

    @classmethod
    def load(cls) -> "Places":
        communes = list(
            Commune.objects.in_region(settings.PASSERELLES_REGION_CODE)
            .exclude(lat=None)
            .order_by("insee_code")
            .values("insee_code", "name", "department_id", "postcodes", "population", "lat", "lon")
        )
        if not communes:
            raise RuntimeError(
                "No commune in the network's region: run the migrations (they load the "
                "referentials) before building the demo."
            )
        for c in communes:
            c["department"] = c.pop("department_id")
        # Population to the power 0.6: big towns hold most organisations, yet villages get some.
        weights = [
            ((c["population"] or 50) ** 0.6) * pools.TOWN_BOOST.get(c["insee_code"], 1.0)
            for c in communes
        ]
        by_department: dict[str, list[dict]] = {}
        for c in communes:
            by_department.setdefault(c["department"], []).append(c)
        points = {}
        for country in PARTNER_COUNTRIES:
            for locality in country.localities:
                found = geocode_abroad(locality, country.code)
                if found:  # the test suite checks every locality is found
                    points[(country.code, locality)] = (found.lat, found.lon)
        return cls(
            communes=communes,
            cumulative=list(itertools.accumulate(weights)),
            by_department=by_department,
            points=points,
            country_cumulative=list(itertools.accumulate(c.weight for c in PARTNER_COUNTRIES)),
        )

    def commune(self, rng: random.Random) -> dict:
        x = rng.random() * self.cumulative[-1]
        return self.communes[bisect.bisect_right(self.cumulative, x)]

    def any_commune(self, rng: random.Random) -> dict:
        """A commune drawn uniformly: every commune, however small, has its town hall."""
        return self.communes[rng.randrange(len(self.communes))]

    def main_town(self, department: str) -> dict:
        return max(self.by_department[department], key=lambda c: c["population"] or 0)

    def country(self, rng: random.Random) -> PartnerCountry:
        x = rng.random() * self.country_cumulative[-1]
        return PARTNER_COUNTRIES[bisect.bisect_right(self.country_cumulative, x)]

    def countries(self, rng: random.Random, k: int) -> list[PartnerCountry]:
        picked: list[PartnerCountry] = []
        for _ in range(k * 3):
            c = self.country(rng)
            if c not in picked:
                picked.append(c)
            if len(picked) == k:
                break
        return picked

    def locality(self, rng: random.Random, country: PartnerCountry) -> tuple[str, float, float]:
        known = [loc for loc in country.localities if (country.code, loc) in self.points]
        # The first localities of each list are the biggest towns: weigh them more.
        weights = [len(known) - i + 2 for i in range(len(known))]
        loc = rng.choices(known, weights=weights)[0]
        lat, lon = self.points[(country.code, loc)]
        return loc, lat, lon
