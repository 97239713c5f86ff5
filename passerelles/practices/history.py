"""What the history of a practice sheet tracks (the implementation is core.history)."""

from passerelles.core.history import Tracker
from passerelles.core.richtext import html_to_text
from passerelles.practices.models import Practice, PracticeChangeRecord

FIELDS = [
    "title",
    "problem",
    "side",
    "commune",
    "country",
    "locality",
    "context",
    "what_was_done",
    "cost_amount",
    "cost_currency",
    "cost_text",
    "what_worked",
    "what_did_not",
    "contacts",
    "themes",
    "countries",
    "projects",
    "organisations",
    "status",
    "refusal_reason",
]
M2M_FIELDS = ("themes", "countries", "projects", "organisations")

TRACKER = Tracker(
    Practice,
    FIELDS,
    record_model=PracticeChangeRecord,
    owner="practice",
    m2m=M2M_FIELDS,
    displays={"what_was_done": html_to_text},
)
