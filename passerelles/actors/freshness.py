"""The freshness campaign (docs/decisions.md §31): every published record has a "last confirmed"
date (`Organisation.last_verified_at`); records older than PASSERELLES_FRESHNESS_AGE_DAYS, or
never confirmed, are asked "still current?" by e-mail, at most once every
PASSERELLES_FRESHNESS_REMIND_DAYS, with signed links valid PASSERELLES_FRESHNESS_LINK_DAYS.

Who is asked: the organisation's managers (memberships with the "gestionnaire" role, active
accounts), each in their own language; else its public contact address, in French. A person
managing several records gets one e-mail listing them all. The answers are actions
(actors/actions.py: confirm_still_current, request_change, propose_archive); this module asks
the questions (the FreshnessCheck rows, bookkeeping of the campaign like the outbox's rows),
signs and reads the links, and counts what staff see."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from passerelles.actors.enums import Family, Side
from passerelles.actors.models import FreshnessCheck, Organisation
from passerelles.core import jobs, progress
from passerelles.core.mail import send_templates_on_commit
from passerelles.core.mail_limits import NOTICE
from passerelles.users.enums import MembershipRole

KIND = "actors.freshness"
SALT = "passerelles.actors.freshness"
# Recipients per transaction: their checks and e-mails commit together.
BATCH = 100


def age_days() -> int:
    return settings.PASSERELLES_FRESHNESS_AGE_DAYS


def cutoff(now=None):
    """Records confirmed before this are "older than the age"."""
    return (now or timezone.now()) - timedelta(days=age_days())


# -- which records --------------------------------------------------------------------------


def stale(now=None):
    """Published records never confirmed or confirmed before the cutoff."""
    return Organisation.objects.published().filter(
        Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff(now))
    )


def due(now=None):
    """Stale records not asked within the reminder interval: what a campaign asks now."""
    now = now or timezone.now()
    recent = now - timedelta(days=settings.PASSERELLES_FRESHNESS_REMIND_DAYS)
    return stale(now).exclude(freshness_checks__asked_at__gt=recent)


def recipients(org_ids) -> dict[int, list[tuple[str, str]]]:
    """{organisation id: [(address, language)]} for `org_ids` (ids or a subquery of them):
    its managers, else its public address. Records with neither are absent. Two queries
    whatever the number."""
    from passerelles.users.models import Membership

    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    managers = (
        Membership.objects.filter(
            organisation_id__in=org_ids, role=MembershipRole.ADMIN, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("organisation_id", "user__email", "user__preferred_language")
        .order_by("organisation_id", "user__email")
    )
    for org_id, email, language in managers:
        found[org_id].append((email, language or "fr"))
    for org_id, email in (
        Organisation.objects.filter(pk__in=org_ids).exclude(email="").values_list("pk", "email")
    ):
        if org_id not in found:
            # A public address has no known language: French, the directory's language.
            found[org_id].append((email, "fr"))
    return dict(found)


def plan(now=None) -> dict:
    """What a campaign would do now: {"due": n, "without_address": n, "recipients":
    {address: (language, [organisation ids])}}."""
    ids = list(due(now).order_by("pk").values_list("pk", flat=True))
    # A subquery, not the list: SQLite takes at most 32,766 parameters in a query.
    by_org = recipients(due(now).values("pk"))
    by_address: dict[str, tuple[str, list[int]]] = {}
    for org_id in ids:
        for email, language in by_org.get(org_id, ()):
            key = email.lower()
            by_address.setdefault(key, (language, []))[1].append(org_id)
    return {
        "due": len(ids),
        "without_address": sum(1 for org_id in ids if org_id not in by_org),
        "recipients": by_address,
    }


# -- the links ------------------------------------------------------------------------------


class LinkError(Exception):
    """A link that cannot be used; `expired` tells an old link from a wrong one."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def token_for(check: FreshnessCheck) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(check.pk))


def check_for(token: str) -> FreshnessCheck:
    """The question a link answers. LinkError when the link is tampered, unknown or older
    than PASSERELLES_FRESHNESS_LINK_DAYS."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        pk = signer.unsign(token, max_age=timedelta(days=settings.PASSERELLES_FRESHNESS_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkError(expired=True) from None
    except signing.BadSignature:
        raise LinkError(expired=False) from None
    check = (
        FreshnessCheck.objects.select_related("organisation", "organisation__commune")
        .filter(pk=int(pk))
        .first()
    )
    if check is None:
        raise LinkError(expired=False)
    return check


def link_expiry(check: FreshnessCheck):
    return check.asked_at + timedelta(days=settings.PASSERELLES_FRESHNESS_LINK_DAYS)


def site_url() -> str:
    return settings.PASSERELLES_SITE_URL or "http://localhost:8000"


# -- the campaign ---------------------------------------------------------------------------


def start_job(owner=None):
    """The campaign's job row; one campaign at a time (progress.Busy otherwise), whether
    started from the staff page or the command."""
    return progress.create(
        KIND,
        _("Campagne « toujours à jour ? »"),
        owner=owner,
        key=KIND,
        url=reverse("actors:freshness"),
    )


def start_campaign(user, base_url: str = ""):
    """Queue a campaign for the worker and return its job."""
    job = start_job(user)
    progress.attach(job, jobs.enqueue(campaign, job.pk, base_url))
    return job


@task(takes_context=True)
def campaign(context, job_id: int, base_url: str = "") -> str:
    job = progress.start(job_id, context)
    if job is None:
        return "over"  # a second run of a campaign that ended
    return run(job, base_url)


def run(job, base_url: str = "", *, echo=None) -> str:
    """Ask every due record: checks and e-mails committed together, a batch of recipients at a
    time, so an interrupted campaign run again asks only those not asked yet."""
    with progress.guard(job):
        report = progress.Reporter(job)
        todo = plan()
        addresses = sorted(todo["recipients"].items())
        report(0, len(addresses), _("Préparation…"), force=True)
        checks: dict[int, FreshnessCheck] = {}
        for start in range(0, len(addresses), BATCH):
            batch = addresses[start : start + BATCH]
            with transaction.atomic():
                _ask(batch, checks, base_url or site_url())
            done = start + len(batch)
            report(done, len(addresses), _("Courriels préparés"))
            if echo:
                echo(done, len(addresses))
        result = {
            "asked": len(checks),
            "emails": len(addresses),
            "without_address": todo["without_address"],
        }
        progress.finish(job, message=summary(result), result=result)
    return "done"


def summary(result: dict) -> str:
    """ "3 fiches interrogées, 2 courriels, 1 fiche sans adresse"."""
    asked, emails, without = result["asked"], result["emails"], result["without_address"]
    return ", ".join(
        (
            ngettext("%(n)s fiche interrogée", "%(n)s fiches interrogées", asked) % {"n": asked},
            ngettext("%(n)s courriel", "%(n)s courriels", emails) % {"n": emails},
            ngettext("%(n)s fiche sans adresse", "%(n)s fiches sans adresse", without)
            % {"n": without},
        )
    )


def _ask(batch, checks: dict, base_url: str) -> None:
    new = sorted({i for _language, ids in (v for _k, v in batch) for i in ids} - checks.keys())
    if new:
        # Each record's addresses, for staff (all of them, not only this batch's).
        asked_to = recipients(new)
        rows = [
            FreshnessCheck(organisation_id=i, recipients=[e for e, _ in asked_to.get(i, ())])
            for i in new
        ]
        for row in FreshnessCheck.objects.bulk_create(rows):
            checks[row.organisation_id] = row
    orgs = Organisation.objects.select_related("commune", "country").in_bulk(
        [i for _k, (_language, ids) in batch for i in ids]
    )
    for address, (language, ids) in batch:
        items = [_item(orgs[i], checks[i], base_url) for i in ids]
        context = {
            "items": items,
            "network_name": settings.PASSERELLES_NETWORK_NAME,
            "age_days": age_days(),
            "expires_at": link_expiry(checks[ids[0]]),
        }
        # Not in a person's request: limited per address only (NOTICE), so a flood of
        # campaigns cannot bomb one inbox.
        send_templates_on_commit(
            address,
            "actors/email/freshness_subject.txt",
            "actors/email/freshness.txt",
            context,
            language=language,
            policy=NOTICE,
        )


def _item(org: Organisation, check: FreshnessCheck, base_url: str) -> dict:
    answer = base_url.rstrip("/") + reverse(
        "actors:freshness-answer", kwargs={"token": token_for(check)}
    )
    return {
        "organisation": org,
        "url": base_url.rstrip("/") + org.get_absolute_url(),
        "current": f"{answer}?reponse=current",
        "change": f"{answer}?reponse=change",
        "inactive": f"{answer}?reponse=inactive",
    }


# -- what staff see -------------------------------------------------------------------------


def _counts(now):
    limit = cutoff(now)
    return {
        "total": Count("pk"),
        "confirmed": Count("pk", filter=Q(last_verified_at__gte=limit)),
        "older": Count("pk", filter=Q(last_verified_at__lt=limit)),
        "never": Count("pk", filter=Q(last_verified_at__isnull=True)),
    }


def _row(label, counts: dict, **extra) -> dict:
    total = counts["total"]
    share = round(100 * counts["confirmed"] / total) if total else 0
    return {"label": label, **counts, "share": share, **extra}


def by_department(now=None) -> list[dict]:
    """One row per department of the published records here, then "abroad" and "no
    department"; each with total, confirmed within the age, older, never and the share
    confirmed (in %, rounded)."""
    rows, abroad, unknown = [], None, None
    grouped = (
        Organisation.objects.published()
        .values("department_id", "department__name", "side")
        .annotate(**_counts(now))
        .order_by("department_id", "side")
    )
    for group in grouped:
        counts = {k: group[k] for k in ("total", "confirmed", "older", "never")}
        if group["department_id"]:
            label = f"{group['department__name']} ({group['department_id']})"
            rows.append(_row(label, counts, key=group["department_id"]))
        elif group["side"] == Side.THERE:
            abroad = _row(_("À l'étranger"), counts, key="etranger")
        else:
            unknown = _row(_("Sans commune"), counts, key="aucun")
    return rows + [r for r in (abroad, unknown) if r]


def by_family(now=None) -> list[dict]:
    grouped = (
        Organisation.objects.published()
        .values("family")
        .annotate(**_counts(now))
        .order_by("family")
    )
    labels = dict(Family.choices)
    rows = [
        _row(
            labels.get(g["family"], g["family"]),
            {k: g[k] for k in ("total", "confirmed", "older", "never")},
            key=g["family"],
        )
        for g in grouped
    ]
    return sorted(rows, key=lambda row: str(row["label"]))


def totals(now=None) -> dict:
    return _row(_("Total"), Organisation.objects.published().aggregate(**_counts(now)))


def stale_list(*, department: str = "", family: str = "", state: str = "", now=None):
    """The stale records, filtered, the never confirmed first, with their last question."""
    qs = stale(now)
    if department == "etranger":
        qs = qs.filter(side=Side.THERE)
    elif department == "aucun":
        qs = qs.filter(side=Side.HERE, department__isnull=True)
    elif department:
        qs = qs.filter(department_id=department)
    if family:
        qs = qs.filter(family=family)
    if state == "never":
        qs = qs.filter(last_verified_at__isnull=True)
    elif state == "older":
        qs = qs.filter(last_verified_at__isnull=False)
    last = FreshnessCheck.objects.filter(organisation=OuterRef("pk")).order_by("-asked_at", "-pk")
    return (
        qs.select_related("commune", "country")
        .annotate(
            last_asked_at=Subquery(last.values("asked_at")[:1]),
            last_answer=Subquery(last.values("answer")[:1]),
        )
        # Never confirmed first on both databases (SQLite and PostgreSQL differ on NULLs).
        .order_by(F("last_verified_at").asc(nulls_first=True), "sort_name", "pk")
    )


def recent_answers(now=None) -> dict:
    """The questions of the reminder interval and their answers, for the campaign box."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.PASSERELLES_FRESHNESS_REMIND_DAYS)
    counts = FreshnessCheck.objects.filter(asked_at__gt=since).aggregate(
        asked=Count("pk"),
        current=Count("pk", filter=Q(answer="current")),
        change=Count("pk", filter=Q(answer="change")),
        inactive=Count("pk", filter=Q(answer="inactive")),
    )
    return {**counts, "since": since}
