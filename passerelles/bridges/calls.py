"""Eligibility of organisations and projects for funding calls, explained in plain French.

Rules (each empty criterion of a call means "any"):
- dates: the call is open today (opening ≤ today ≤ closing) and published;
- family: the organisation's family is among the eligible ones (for a project, one of its
  participants' families);
- themes: at least one theme in common;
- countries: the organisation acts in (or is seated in) one of the call's countries or zones
  (for a project, one of its places there or its participants' countries)."""

import time
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation
from passerelles.bridges.models import FundingCall
from passerelles.bridges.suggest.places import in_country
from passerelles.core import fragments


@dataclass
class Subject:
    """What eligibility reads of an organisation or a project."""

    families: set
    themes: dict  # id → name
    countries: dict  # code → name


@dataclass
class Eligibility:
    call: FundingCall
    eligible: bool
    score: float
    reasons: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def organisation_subject(org) -> Subject:
    countries = {c.code: c.name for c in org.countries_of_action.all()}
    if org.country_id and org.country_id != "FR":
        countries[org.country_id] = org.country.name
    return Subject({org.family}, {t.pk: t.name for t in org.themes.all()}, countries)


def project_subject(project) -> Subject:
    orgs = [p.organisation for p in project.participations.all()]
    countries = {p.country_id: p.country.name for p in project.places.all() if p.country_id}
    countries.pop("FR", None)
    return Subject(
        {o.family for o in orgs}, {t.pk: t.name for t in project.themes.all()}, countries
    )


def deadline_words(call: FundingCall, today: date | None = None) -> str:
    today = today or timezone.localdate()
    days = call.days_left(today)
    when = date_format(call.closes_on, "j F Y")
    if days < 0:
        return _("clôturé le %(date)s") % {"date": when}
    if days == 0:
        return _("clôture aujourd'hui, le %(date)s") % {"date": when}
    return ngettext(
        "clôture dans %(days)s jour, le %(date)s",
        "clôture dans %(days)s jours, le %(date)s",
        days,
    ) % {"days": days, "date": when}


def eligibility(call: FundingCall, subject: Subject, today: date | None = None) -> Eligibility:
    today = today or timezone.localdate()
    reasons, missing, score = [], [], 0.0
    if not call.is_published or not call.is_open(today):
        missing.append(_("l'appel n'est pas ouvert aujourd'hui"))
    families = set(call.eligible_families)
    if families:
        if subject.families & families:
            labels = sorted(str(Family(f).label) for f in subject.families & families)
            reasons.append(_("famille éligible : %(families)s") % {"families": ", ".join(labels)})
            score += 1
        else:
            missing.append(_("votre famille d'acteurs n'est pas éligible"))
    call_themes = {t.pk: t.name for t in call.themes.all()}
    if call_themes:
        shared = sorted(call_themes[t] for t in call_themes.keys() & subject.themes.keys())
        if shared:
            reasons.append(
                _("thèmes communs : %(themes)s")
                % {"themes": ", ".join(f"« {name} »" for name in shared)}
            )
            score += 1 + 0.5 * (len(shared) - 1)
        else:
            missing.append(_("aucun thème en commun"))
    codes = call.country_codes()
    if codes:
        shared = sorted(codes & subject.countries.keys())
        if shared:
            places = [in_country(c, subject.countries[c]) for c in shared]
            reasons.append(_("pays couvert : %(places)s") % {"places": ", ".join(places)})
            score += 1
        else:
            missing.append(_("aucun de vos pays d'action n'est couvert"))
    if not missing:
        reasons.append(deadline_words(call, today))
        # Sooner deadlines first among equally relevant calls.
        score += 1 / (1 + max(call.days_left(today), 0))
    return Eligibility(call, not missing, score, reasons, missing)


# The open calls with what eligibility reads, per process, for one day and one version of
# the calls, their funders and the referentials: every organisation page asks for them. Kept a
# minute at most, should a change come from where no version is bumped (another machine).
_open_calls: dict = {}
OPEN_CALLS_SECONDS = 60


def open_calls(today: date) -> list[FundingCall]:
    """The published calls open on `today`, prefetched; read again after a change to a call,
    an organisation (a funder's name) or a referential, on another day, or after a minute."""
    key = (today, fragments.versions("calls", "organisation", "referentials"))
    kept = _open_calls.get(key)
    if kept is None or time.monotonic() - kept[0] > OPEN_CALLS_SECONDS:
        kept = (
            time.monotonic(),
            list(FundingCall.objects.published().open_on(today).for_eligibility()),
        )
        _open_calls.clear()
        _open_calls[key] = kept
    return kept[1]


def eligible_calls(subject: Subject, today: date | None = None) -> list[Eligibility]:
    """Open published calls the subject is eligible for, best first."""
    today = today or timezone.localdate()
    calls = open_calls(today)
    results = [eligibility(call, subject, today) for call in calls]
    results = [r for r in results if r.eligible]
    results.sort(key=lambda r: (-r.score, r.call.closes_on))
    return results


def eligible_organisations(call: FundingCall):
    """Published organisations that meet the call's family, theme and country criteria."""
    qs = Organisation.objects.filter(status=Status.PUBLISHED)
    if call.eligible_families:
        qs = qs.filter(family__in=call.eligible_families)
    theme_ids = [t.pk for t in call.themes.all()]
    if theme_ids:
        qs = qs.filter(
            pk__in=Organisation.themes.through.objects.filter(theme_id__in=theme_ids).values(
                "organisation_id"
            )
        )
    codes = call.country_codes()
    if codes:
        # Acting in a covered country, or seated there (partners abroad).
        acting = Organisation.countries_of_action.through.objects.filter(
            country_id__in=codes
        ).values("organisation_id")
        qs = qs.filter(Q(pk__in=acting) | Q(country_id__in=codes))
    return qs
