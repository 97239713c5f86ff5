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
    """Several values of one filter (checkboxes), with a message naming the unknown one."""

    def __init__(self, *, unknown, **kwargs):
        kwargs.setdefault("required", False)
        kwargs["error_messages"] = {"invalid_choice": unknown}
        super().__init__(**kwargs)


def query_data(data):
    """A QueryDict as it is; a plain dict (the API) as one, one value per key unless a list."""
    if hasattr(data, "getlist"):
        return data
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in (data or {}).items()})


def is_english() -> bool:
    """Whether the page is in English: facet labels then come from the `name_en` columns."""
    return (get_language() or "fr").startswith("en")
