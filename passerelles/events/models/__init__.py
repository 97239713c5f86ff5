from passerelles.events.models.event import Event, EventQuerySet, Registration, Session
from passerelles.events.models.meetings import (
    Availability,
    Meeting,
    MeetingProfile,
    MeetingRequest,
    ScheduleRun,
    Slot,
    Table,
)

__all__ = [
    "Availability",
    "Event",
    "EventQuerySet",
    "Meeting",
    "MeetingProfile",
    "MeetingRequest",
    "Registration",
    "ScheduleRun",
    "Session",
    "Slot",
    "Table",
]
