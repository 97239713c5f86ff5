"""The sheets' filters, shared by the list page, the exports and the API."""

from django.db.models import Q

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
        # Where it happened, or a country where it could serve (a subquery on the link
        # table: no join that would repeat a sheet).
        linked = Practice.countries.through.objects.filter(country_id=code)
        qs = qs.filter(Q(country_id=code) | Q(pk__in=linked.values("practice_id")))
    if side in ("here", "there"):
        qs = qs.filter(side=side)
    return qs.distinct() if theme else qs


def with_links(qs):
    return qs.select_related("commune", "country").prefetch_related(
        "themes", "countries", "organisations", "projects"
    )
