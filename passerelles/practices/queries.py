"""The sheets' filters, shared by the list page, the exports and the API."""

from passerelles.practices.models import Practice


def filtered(qs, *, q: str = "", theme: str = "", country: str = "", side: str = ""):
    """`qs` narrowed by words (French forms), a theme's identifier, a country (where it
    happened or where it could serve) and a side; empty values do not filter."""
    if q:
        qs = qs.search(q[:200])
    if theme:
        qs = qs.filter(themes__slug=theme)
    if country:
        code = country.upper()[:2]
        # Where it happened, or a country where it could serve: one subquery keeps the
        # queryset a plain filter (paginated, counted, exported alike).
        qs = qs.filter(
            pk__in=Practice.objects.filter(country_id=code)
            .values("pk")
            .union(Practice.countries.through.objects.filter(country_id=code).values("practice_id"))
        )
    if side in ("here", "there"):
        qs = qs.filter(side=side)
    return qs.distinct() if theme else qs


def with_links(qs):
    return qs.select_related("commune", "country").prefetch_related(
        "themes", "countries", "organisations", "projects"
    )
