"""Faceted lists, shared by the directory and the projects' list: the facet a sidebar shows,
the field that takes several values of one filter, and how a plain dict (the API) becomes the
query-string shape the filter forms expect. Each app keeps what it counts and how."""

from dataclasses import dataclass, field

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    # "radio" (one value or none), "checkbox" (several), "select" (long lists).
    widget: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        return [o for o in self.options if o.selected]


class ChoicesField(forms.MultipleChoiceField):
    """Several values of one filter (checkboxes), with a message naming the unknown one.

    An empty value means "all": it is what a select's "Tous" option or a hand-written
    `?department=` sends, and it must widen the list, not show "Département inconnu : « »"."""

    def __init__(self, *, unknown, **kwargs):
        kwargs.setdefault("required", False)
        kwargs["error_messages"] = {"invalid_choice": unknown}
        super().__init__(**kwargs)

    def to_python(self, value):
        return [v for v in super().to_python(value) if v.strip()]


@dataclass
class ActiveFilter:
    """One value a list is filtered by, as a removable chip: "Département : Loiret (45)"."""

    facet: str
    label: str
    # The list's query string without this value (and without the page number).
    remove_query: str


def active_filters(facets: list[Facet], list_filter) -> list[ActiveFilter]:
    """The chips for the values chosen in `facets`. `list_filter` is the list's filter object
    (DirectoryFilter, ProjectFilter): its `data` holds the cleaned values and its
    `querystring(**changes)` writes the query string with a filter changed."""
    chips = []
    for facet in facets:
        for option in facet.selected:
            current = list_filter.data.get(facet.name)
            if isinstance(current, list):
                rest = [v for v in current if str(v) != option.value]
                query = list_filter.querystring(**{facet.name: rest or None})
            else:
                # A single-valued filter (here/there, yes/no): removing it removes the key.
                query = list_filter.querystring(**{facet.name: None})
            chips.append(ActiveFilter(str(facet.label), option.label, query))
    return chips


def query_data(data):
    """A QueryDict as it is; a plain dict (the API) as one, one value per key unless a list."""
    if hasattr(data, "getlist"):
        return data
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in (data or {}).items()})


def is_english() -> bool:
    """Whether the page is in English: facet labels then come from the `name_en` columns."""
    return (get_language() or "fr").startswith("en")
