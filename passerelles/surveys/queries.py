"""What staff follow and what the observatory reads: response rates per department and per
family, the non-respondents, and the year's figures. Counts are computed by the database."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from passerelles.actors.enums import Family
from passerelles.surveys.models import Answer, Campaign, Invitation


@dataclass
class Rate:
    key: str
    label: str
    invited: int
    answered: int

    @property
    def percent(self) -> float:
        return round(100 * self.answered / self.invited, 1) if self.invited else 0.0


_ANSWERED = Count("pk", filter=Q(answered_at__isnull=False))


def totals(campaign: Campaign) -> Rate:
    row = Invitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"), answered=_ANSWERED
    )
    return Rate("", _("Ensemble"), row["invited"], row["answered"])


def by_department(campaign: Campaign) -> list[Rate]:
    rows = (
        Invitation.objects.filter(campaign=campaign)
        .values("organisation__department_id", "organisation__department__name")
        .annotate(invited=Count("pk"), answered=_ANSWERED)
        .order_by("organisation__department_id")
    )
    return [
        Rate(
            r["organisation__department_id"] or "",
            (
                f"{r['organisation__department__name']} ({r['organisation__department_id']})"
                if r["organisation__department_id"]
                else _("Sans département")
            ),
            r["invited"],
            r["answered"],
        )
        for r in rows
    ]


def by_family(campaign: Campaign) -> list[Rate]:
    rows = (
        Invitation.objects.filter(campaign=campaign)
        .values("organisation__family")
        .annotate(invited=Count("pk"), answered=_ANSWERED)
    )
    labels = dict(Family.choices)
    rates = [
        Rate(
            r["organisation__family"],
            str(labels.get(r["organisation__family"], r["organisation__family"])),
            r["invited"],
            r["answered"],
        )
        for r in rows
    ]
    return sorted(rates, key=lambda r: r.label.casefold())


def non_respondents(campaign: Campaign):
    return (
        Invitation.objects.filter(campaign=campaign)
        .unanswered()
        .select_related("organisation", "organisation__department")
        .order_by("organisation__department_id", "organisation__sort_name", "pk")
    )


def figures(campaign: Campaign) -> dict:
    """The year's survey figures for the observatory's snapshot: how many answered, and the
    sums of what they declared (people, budget, beneficiaries), with how many gave each one."""
    answers = Answer.objects.filter(invitation__campaign=campaign)
    # Aliases differ from the field names: Django refuses an aggregate named like a field that
    # another aggregate of the same query reads.
    fields = ("staff", "volunteers", "si_budget", "beneficiaries")
    aggregates = {f"sum_{name}": Sum(name) for name in fields}
    aggregates.update({f"given_{name}": Count(name) for name in fields})
    row = answers.aggregate(**aggregates)
    sums = {name: row[f"sum_{name}"] or 0 for name in fields}
    sums.update({f"{name}_given": row[f"given_{name}"] for name in fields})
    rate = totals(campaign)
    countries = set()
    for codes in answers.values_list("countries", flat=True):
        countries.update(codes or ())
    return {
        "year": campaign.year,
        "invited": rate.invited,
        "answered": rate.answered,
        **sums,
        "countries": sorted(countries),
    }
