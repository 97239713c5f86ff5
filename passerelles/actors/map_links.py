"""The map's layer of links here ↔ there, supplied by a higher layer.

The directory's map shows where the matching organisations work together (the projects linking
a department here to a country there), but projects sit above actors in the layers
(docs/decisions.md §18): actors may not import them. So the projects app registers a provider
at start-up, and the map asks for it; without one the map simply has no links layer."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class LinksProvider:
    # URL name of the JSON the map's links layer loads (it takes the list's query string).
    url_name: str
    # The links in words for those who do not see the map: given the matching organisations
    # (None: no filter), a list of (department, country, count)-like rows, most frequent first.
    summary: Callable[[QuerySet | None], list[tuple]]


_provider: LinksProvider | None = None


def register(provider: LinksProvider) -> None:
    global _provider
    _provider = provider


def provider() -> LinksProvider | None:
    return _provider
