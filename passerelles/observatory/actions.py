"""The observatory's one write: freezing a year (docs/decisions.md §33). A snapshot is written
once, here, and never changed afterwards (models.Snapshot refuses it)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.models import Organisation
from passerelles.events.models import Event
from passerelles.observatory import snapshots
from passerelles.observatory.models import Snapshot
from passerelles.projects.models import FundingLine, Project


class FreezeRefused(ValidationError):
    """The year cannot be frozen; the message says why, in the person's language."""


def first_year() -> int | None:
    """The first year the platform holds a record the indicators could count: the earliest
    organisation or project recorded, project started, funding line or event. None when the
    platform is empty."""
    years = [
        Organisation.objects.aggregate(v=Min("created_at"))["v"],
        Project.objects.aggregate(v=Min("created_at"))["v"],
        Project.objects.aggregate(v=Min("start_date"))["v"],
        Event.objects.aggregate(v=Min("starts_at"))["v"],
    ]
    found = [timezone.localtime(v).year if hasattr(v, "tzinfo") else v.year for v in years if v]
    funding = FundingLine.objects.aggregate(v=Min("year"))["v"]
    if funding:
        found.append(funding)
    return min(found) if found else None


def check_freezable(year: int) -> None:
    """Raise FreezeRefused, with the reason, unless `year` may be frozen now."""
    this_year = timezone.localdate().year
    if year >= this_year:
        raise FreezeRefused(
            _(
                "L'année %(year)s n'est pas terminée : on ne fige qu'une année passée "
                "(%(last)s au plus tard)."
            )
            % {"year": year, "last": this_year - 1}
        )
    if Snapshot.objects.filter(year=year).exists():
        raise FreezeRefused(
            _("L'année %(year)s est déjà figée ; ses chiffres ne changent plus.") % {"year": year}
        )
    first = first_year()
    if first is None or year < first:
        raise FreezeRefused(
            _(
                "L'année %(year)s précède le premier enregistrement de la plateforme "
                "(%(first)s) : il n'y a rien à figer."
            )
            % {"year": year, "first": first or this_year}
        )


def freeze_year(year: int, *, by, on_indicator=None) -> Snapshot:
    """Compute every indicator of `year` (staff ones included) and store them as the year's
    snapshot, atomically. Raises FreezeRefused for a year not yet over, already frozen or
    before the platform's first record."""
    check_freezable(year)
    tables = snapshots.compute(year, on_indicator)
    # The full name only: the banner is public, an e-mail address has no place there.
    name = (getattr(by, "full_name", "") or "") if by is not None else ""
    try:
        with transaction.atomic():
            return Snapshot.objects.create(
                year=year,
                frozen_at=timezone.now(),
                frozen_by=by if by is not None and by.is_authenticated else None,
                frozen_by_name=name[:300],
                tables=tables,
            )
    except IntegrityError:
        # Another job froze the year while this one computed.
        raise FreezeRefused(
            _("L'année %(year)s est déjà figée ; ses chiffres ne changent plus.") % {"year": year}
        ) from None
