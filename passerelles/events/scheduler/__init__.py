"""One-to-one meetings of an event, scheduled near the optimum (OR-Tools CP-SAT).

Pure Python on integers, no Django models: passerelles.events.scheduling builds the Instance
from the database and writes the Result back. See docs/scheduler.md for the model."""

from passerelles.events.scheduler.generator import generate_instance
from passerelles.events.scheduler.greedy import greedy
from passerelles.events.scheduler.model import (
    MUST,
    MUTUAL_BONUS,
    WEIGHTS,
    WISH,
    Instance,
    LockedMeeting,
    Request,
    Result,
    ScheduledMeeting,
    Status,
    check,
    gaps,
    pair_values,
    value,
)
from passerelles.events.scheduler.solver import solve

__all__ = [
    "MUST",
    "MUTUAL_BONUS",
    "WEIGHTS",
    "WISH",
    "Instance",
    "LockedMeeting",
    "Request",
    "Result",
    "ScheduledMeeting",
    "Status",
    "check",
    "gaps",
    "generate_instance",
    "greedy",
    "pair_values",
    "solve",
    "value",
]
