"""Indicators of a space, each defined with its formula in docs/cooperation.md.

- Reciprocity index (money, and non-money apart): with H the flows here → there and T the
  flows there → here, index = min(H, T) / max(H, T); 1 means balanced both ways, 0 means one
  way only; None when nothing flowed across. Money is measured in euros; non-money in number
  of contributions (their euro estimates undervalue what comes from there, where the same
  day of expertise is priced lower), with its euro estimate shown beside it.
- Share of decisions in which members from there took part: among rounds that closed with a
  decision (passed or failed, not cancelled), those where at least one member organisation
  from there answered.
- Share of actions led from there: actions whose lead organisation is from there.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from passerelles.cooperation.enums import ContributionKind, Direction, Side


def ratio(a, b):
    """min/max of two flows, None when both are zero."""
    high = max(a, b)
    if not high:
        return None
    return float(min(a, b)) / float(high)


def share(part: int, whole: int):
    return part / whole if whole else None


@dataclass
class Indicators:
    money_here_to_there: Decimal
    money_there_to_here: Decimal
    money_reciprocity: float | None
    non_money_here_to_there: int
    non_money_there_to_here: int
    non_money_value_here_to_there: Decimal
    non_money_value_there_to_here: Decimal
    non_money_reciprocity: float | None
    decisions: int
    decisions_with_there: int
    decisions_with_there_share: float | None
    actions: int
    actions_led_from_there: int
    actions_led_from_there_share: float | None

    def as_dict(self) -> dict:
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def compute(space) -> Indicators:
    from passerelles.cooperation.models import Response

    money = Q(kind=ContributionKind.MONEY)
    rows = space.contributions.exclude(direction=Direction.SAME_SIDE).aggregate(
        m_ht=Sum("value_eur", filter=money & Q(direction=Direction.HERE_TO_THERE)),
        m_th=Sum("value_eur", filter=money & Q(direction=Direction.THERE_TO_HERE)),
        n_ht=Count("pk", filter=~money & Q(direction=Direction.HERE_TO_THERE)),
        n_th=Count("pk", filter=~money & Q(direction=Direction.THERE_TO_HERE)),
        v_ht=Sum("value_eur", filter=~money & Q(direction=Direction.HERE_TO_THERE)),
        v_th=Sum("value_eur", filter=~money & Q(direction=Direction.THERE_TO_HERE)),
    )
    zero = Decimal("0")
    m_ht, m_th = rows["m_ht"] or zero, rows["m_th"] or zero
    # A decision "with there": some answer in the round came from a member from there.
    there_answered = Response.objects.filter(round=OuterRef("pk"), member__side=Side.THERE)
    decided = space.rounds.closed().annotate(with_there=Exists(there_answered))
    counts = decided.aggregate(total=Count("pk"), there=Count("pk", filter=Q(with_there=True)))
    actions = space.actions.aggregate(
        total=Count("pk"), there=Count("pk", filter=Q(lead__side=Side.THERE))
    )
    return Indicators(
        money_here_to_there=m_ht,
        money_there_to_here=m_th,
        money_reciprocity=ratio(m_ht, m_th),
        non_money_here_to_there=rows["n_ht"],
        non_money_there_to_here=rows["n_th"],
        non_money_value_here_to_there=rows["v_ht"] or zero,
        non_money_value_there_to_here=rows["v_th"] or zero,
        non_money_reciprocity=ratio(rows["n_ht"], rows["n_th"]),
        decisions=counts["total"],
        decisions_with_there=counts["there"],
        decisions_with_there_share=share(counts["there"], counts["total"]),
        actions=actions["total"],
        actions_led_from_there=actions["there"],
        actions_led_from_there_share=share(actions["there"], actions["total"]),
    )
