"""Every indicator of the observatory, registered by importing its module (apps.ready)."""

from passerelles.observatory.indicators import (  # noqa: F401
    accompaniment,
    actors,
    bridges,
    events,
    funding,
    grants,
    links,
    projects,
    staff,
)
