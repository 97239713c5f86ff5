"""Organisation → its compact profile row (OrganisationProfile), for one organisation on each
edit (signals) or for all of them (`rebuild_bridges_index`, the demo)."""

from collections import Counter

from django.db import transaction
from django.db.models import Count

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.bridges.models import OrganisationProfile
from passerelles.bridges.suggest.text import terms
from passerelles.core import fragments
from passerelles.core.text import fold

BATCH = 2000


def _unique(text: str) -> str:
    # Binary term weights: a word repeated in a description says no more than once.
    return " ".join(dict.fromkeys(terms(text)))


def profile_for(org: Organisation, *, themes, sdgs, countries, projects: int):
    country_codes = set(countries)
    if org.country_id and org.country_id != "FR":
        country_codes.add(org.country_id)
    return OrganisationProfile(
        organisation_id=org.pk,
        offers=_unique(org.offers),
        needs=_unique(org.needs),
        about=_unique(f"{org.name} {org.acronym} {org.mission} {org.description}"),
        themes=" ".join(str(t) for t in sorted(themes)),
        sdgs=" ".join(str(s) for s in sorted(sdgs)),
        countries=" ".join(sorted(country_codes)),
        locality=fold(org.locality).strip() if org.country_id != "FR" else "",
        family=org.family,
        side=org.side,
        department=org.department_id or "",
        is_ess=org.is_ess,
        is_si=org.is_si,
        lat=org.lat,
        lon=org.lon,
        projects=projects,
    )


def _links(model_field, ids) -> dict[int, list]:
    through = model_field.through
    source = model_field.field.m2m_field_name() + "_id"
    target = model_field.field.m2m_reverse_field_name() + "_id"
    out: dict[int, list] = {}
    for org_id, value in through.objects.filter(**{f"{source}__in": ids}).values_list(
        source, target
    ):
        out.setdefault(org_id, []).append(value)
    return out


def _project_counts(ids) -> Counter:
    from passerelles.projects.models import Participation

    rows = (
        Participation.objects.filter(organisation_id__in=ids)
        .values("organisation_id")
        .annotate(n=Count("project_id", distinct=True))
    )
    return Counter({r["organisation_id"]: r["n"] for r in rows})


# What a profile says; a row whose values all equal the stored ones is left as it is.
CONTENT = tuple(
    f.attname
    for f in OrganisationProfile._meta.concrete_fields
    if f.attname not in ("organisation_id", "updated_at", "revision")
)


def _content(profile) -> tuple:
    return tuple(getattr(profile, name) for name in CONTENT)


def sync_profiles(ids) -> int:
    """Bring the profiles of these organisations up to date: published ones get a fresh row
    when what it says changed, the others lose theirs (an unpublished organisation is never
    suggested). A profile that would say the same is not rewritten, so an edit the
    suggestions do not read (a phone number) leaves every worker's index and the pages'
    suggestion panels as they are. Returns the number of rows written or removed."""
    ids = list(ids)
    if not ids:
        return 0
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            orgs = Organisation.objects.filter(pk__in=chunk, status=Status.PUBLISHED).only(
                "pk",
                "name",
                "acronym",
                "mission",
                "description",
                "offers",
                "needs",
                "locality",
                "family",
                "side",
                "department_id",
                "country_id",
                "is_ess",
                "is_si",
                "lat",
                "lon",
            )
            themes = _links(Organisation.themes, chunk)
            sdgs = _links(Organisation.sdgs, chunk)
            countries = _links(Organisation.countries_of_action, chunk)
            projects = _project_counts(chunk)
            rows = [
                profile_for(
                    o,
                    themes=themes.get(o.pk, ()),
                    sdgs=sdgs.get(o.pk, ()),
                    countries=countries.get(o.pk, ()),
                    projects=projects.get(o.pk, 0),
                )
                for o in orgs
            ]
            stored = {
                p.organisation_id: _content(p)
                for p in OrganisationProfile.objects.filter(organisation_id__in=chunk)
            }
            fresh = [p for p in rows if stored.get(p.organisation_id) != _content(p)]
            keep = {p.organisation_id for p in rows} - {p.organisation_id for p in fresh}
            gone = [i for i in stored if i not in keep]
            if gone:
                OrganisationProfile.objects.filter(organisation_id__in=gone).delete()
            OrganisationProfile.objects.bulk_create(fresh)
            written += len(fresh) + len(set(gone) - {p.organisation_id for p in fresh})
    if written:
        # The suggestion panels kept in the page cache show suggestions no longer true.
        fragments.bump("suggestions")
    return written


def rebuild_profiles(progress=None) -> int:
    """Every profile from scratch (bulk writers bypass signals)."""
    report = progress or (lambda step, done, total: None)
    OrganisationProfile.objects.all().delete()
    fragments.bump("suggestions")
    ids = list(Organisation.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True))
    total, done = len(ids), 0
    for start in range(0, total, BATCH * 5):
        done += sync_profiles(ids[start : start + BATCH * 5])
        report("bridges-index", done, total)
    return done
