"""What the history of a practice sheet tracks (the implementation is core.history)."""

from passerelles.core.history import Tracker
from passerelles.core.richtext import html_to_text
from passerelles.practices.models import Practice, PracticeChangeRecord

# What a sheet says (the actions write these from a form's or the API's data).
CONTENT = (
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
)
M2M_FIELDS = ("themes", "countries", "projects", "organisations")
FIELDS = [*CONTENT, *M2M_FIELDS, "status", "refusal_reason"]

TRACKER = Tracker(
    Practice,
    FIELDS,
    record_model=PracticeChangeRecord,
    owner="practice",
    m2m=M2M_FIELDS,
    displays={"what_was_done": html_to_text},
)
