"""Small helpers shared by the indicators' modules."""

from decimal import Decimal

from django.utils.translation import get_language

from passerelles.observatory.registry import Row


def bilingual(name_fr: str, name_en: str) -> str:
    """A referential's name in the page's language (geo and vocab keep both)."""
    english = (get_language() or "fr").startswith("en")
    return (name_en if english else name_fr) or name_fr


def ranked(rows: list[Row], key: str) -> list[Row]:
    """Largest first, then by label: the order bar charts read best in."""
    return sorted(rows, key=lambda row: (-(row.values.get(key) or 0), row.label.casefold()))


def euros(value) -> Decimal:
    """A sum of amounts, never None, with cents."""
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def choice_label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value
