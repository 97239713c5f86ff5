"""Change history: snapshot an organisation before and after a change and write one ChangeRecord
with {field: [old, new]} (display strings). Every edit, approval, merge and status change goes
through `record_change`, so the history page tells the whole story of a record."""

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext, override

from passerelles.actors.models import ChangeAction, ChangeRecord, Organisation, sanitise_html

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
M2M_FIELDS = {"themes", "sdgs", "countries_of_action"}


def _display(org: Organisation, name: str, m2m: dict | None) -> str:
    field = Organisation._meta.get_field(name)
    if name in M2M_FIELDS:
        if m2m is not None and name in m2m:
            items = m2m[name]
        elif org.pk:
            items = getattr(org, name).all()
        else:
            items = []
        return ", ".join(sorted(str(item) for item in items))
    if field.is_relation:
        related = getattr(org, name)
        return str(related) if related is not None else ""
    value = getattr(org, name)
    if field.choices:
        return str(getattr(org, f"get_{name}_display")()) if value else ""
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, FieldFile):
        return value.name or ""
    if value is None:
        return ""
    if name == "description":
        # What will be stored, not what was typed: the model sanitises on save.
        return sanitise_html(value)
    return str(value)


def snapshot(org: Organisation, m2m: dict | None = None) -> dict[str, str]:
    """The tracked fields of `org` as display strings. `m2m` overrides many-to-many values for
    an organisation not saved yet (a proposal being reviewed). Labels are taken in French so
    the stored history does not depend on the language of whoever made the change."""
    with override("fr"):
        return {name: _display(org, name, m2m) for name in TRACKED_FIELDS}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        name: [before.get(name, ""), after.get(name, "")]
        for name in TRACKED_FIELDS
        if before.get(name, "") != after.get(name, "")
    }


def record_change(org, before, *, user=None, action=ChangeAction.UPDATED, comment=""):
    """Write a ChangeRecord if anything changed since `before` (a snapshot); returns it or None.
    For a creation pass before={} so every filled field appears."""
    changes = diff(before, snapshot(org))
    if not changes and action == ChangeAction.UPDATED:
        return None
    return ChangeRecord.objects.create(
        organisation=org,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        changes=changes,
        comment=comment[:300],
    )


def field_label(name: str) -> str:
    return str(Organisation._meta.get_field(name).verbose_name)
