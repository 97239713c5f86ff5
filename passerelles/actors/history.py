"""What the history of an organisation tracks, and how each field reads (the implementation is
passerelles.core.history, shared with projects). Every change goes through the actions module
(passerelles.actors.actions), which snapshots before and records after."""

from passerelles.actors.models import ChangeRecord, Organisation
from passerelles.core.history import Tracker
from passerelles.core.richtext import html_to_text

# The fields people see and edit; technical ones (slug, side, department, timestamps) follow
# from these and would only add noise to the history.
TRACKED_FIELDS = [
    "name",
    "acronym",
    "family",
    "is_ess",
    "is_si",
    "legal_form",
    "siren",
    "siret",
    "rna",
    "iati_ref",
    "mission",
    "description",
    "offers",
    "needs",
    "themes",
    "sdgs",
    "countries_of_action",
    "size",
    "address",
    "postcode",
    "commune",
    "country",
    "locality",
    "lat",
    "lon",
    "website",
    "email",
    "phone",
    "logo",
    "status",
]
M2M_FIELDS = ("themes", "sdgs", "countries_of_action")

TRACKER = Tracker(
    Organisation,
    TRACKED_FIELDS,
    record_model=ChangeRecord,
    owner="organisation",
    m2m=M2M_FIELDS,
    # The history reads like the page: a description as its plain text, never its tags.
    displays={"description": html_to_text},
)
snapshot = TRACKER.snapshot
diff = TRACKER.diff
field_label = TRACKER.field_label
