"""Change history, one implementation for every aggregate (organisations, projects, and the
ones that follow): who changed what, when, through which channel, with old and new values.

Each aggregate declares a `Tracker` (the fields people see, how each is displayed) and a
concrete record model derived from `AbstractChangeRecord`; its actions module snapshots a row
before a change and writes one record after it. Values are stored as display strings, taken in
French, so the history reads the same whoever made the change and whatever changed since in
the vocabularies. Texts are compared after normalising line endings and spaces: a form that
sends back CRLF line endings, or an import that adds a trailing space, changes nothing."""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATED = "created", _("création")
    UPDATED = "updated", _("modification")
    PROPOSAL_APPROVED = "approved", _("proposition acceptée")
    MERGED = "merged", _("fusion d'un doublon")
    IMPORTED = "imported", _("import")
    STATUS = "status", _("changement de statut")


class ChangeSource(models.TextChoices):
    """The channel a change came through (recorded beside who made it)."""

    WEB = "web", _("site")
    API = "api", _("API")
    TABLE = "table", _("import de tableau")
    IATI = "iati", _("import IATI")
    # An answer to the yearly survey through a member's personal link (surveys app).
    SURVEY = "survey", _("enquête annuelle")
    ADMIN = "admin", _("administration")
    DEMO = "demo", _("démonstration")
    SYSTEM = "system", _("système")


IMPORT_SOURCES = frozenset({ChangeSource.TABLE, ChangeSource.IATI})


@dataclass(frozen=True)
class Origin:
    """Who makes a change and through which channel; every action takes one.

    `user` may be anonymous or None (a visitor's proposal, an import run from the command
    line); `comment` is written into the change record ("Proposition n° 12")."""

    user: Any = None
    source: str = ChangeSource.WEB
    comment: str = ""

    @property
    def actor(self):
        """The user to record, or None for a visitor or a job."""
        user = self.user
        return user if user is not None and getattr(user, "is_authenticated", False) else None

    @property
    def is_import(self) -> bool:
        return self.source in IMPORT_SOURCES

    def saying(self, comment: str) -> "Origin":
        return replace(self, comment=str(comment))


class AbstractChangeRecord(models.Model):
    """Append-only: one row per change that changed something. `changes` maps a field name to
    [old, new] display strings (related objects by label, lists sorted, texts as plain
    text)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=12, choices=ChangeAction.choices)
    source = models.CharField(
        _("par"), max_length=12, choices=ChangeSource.choices, blank=True, default=""
    )
    changes = models.JSONField(_("changements"), default=dict)
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    # Set on the records of a duplicate moved to the kept record by a merge: which record the
    # change was made to ("Les Amis de Kaya (n° 12)"). Not a foreign key: the point of the
    # merge is that nothing points at the duplicate any more.
    merged_from = models.CharField(_("fiche d'origine"), max_length=220, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]


_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(value: str) -> str:
    """Line endings as LF, runs of spaces as one, no space at line ends, at most one blank line
    in a row: what a person sees of a text, so that only real edits count as changes."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


Display = Callable[[Any], str]


@lru_cache(maxsize=256)
def _choice_labels(field, language: str) -> dict:
    return {str(value): str(label) for value, label in field.flatchoices}


def _choice_label(field, value) -> str:
    """A choice's label, like get_FOO_display() without rebuilding the choices at each call
    (most of the time of a bulk import's snapshots)."""
    return _choice_labels(field, get_language()).get(str(value), str(value))


class Tracker:
    """The tracked fields of one model and how to show them.

    `fields` are the model's fields people see and edit (technical ones such as the slug or
    the timestamps follow from these and would only add noise); `m2m` those among them that
    are many-to-many; `displays` overrides how a field is shown (a rich text as plain text);
    `related(obj)` adds values computed from other tables ({"participations": "…"}), with
    their labels in `related_labels`."""

    def __init__(
        self,
        model,
        fields: Iterable[str],
        *,
        record_model,
        owner: str,
        m2m: Iterable[str] = (),
        displays: Mapping[str, Display] | None = None,
        related: Callable[[Any], dict[str, str]] | None = None,
        related_labels: Mapping[str, Any] | None = None,
    ):
        self.model = model
        self.fields = list(fields)
        self.m2m = set(m2m)
        self.record_model = record_model
        self.owner = owner
        self.displays = dict(displays or {})
        self.related = related
        self.related_labels = dict(related_labels or {})
        self.tracked = [*self.fields, *self.related_labels]

    # -- snapshots --------------------------------------------------------------------------

    def _display(self, obj, name: str, m2m: Mapping | None) -> str:
        field = self.model._meta.get_field(name)
        if name in self.m2m:
            if m2m is not None and name in m2m:
                items = m2m[name]
            elif obj.pk:
                items = getattr(obj, name).all()
            else:
                items = []
            return ", ".join(sorted(str(item) for item in items))
        if name in self.displays:
            return normalise_text(self.displays[name](getattr(obj, name)))
        if field.is_relation:
            related = getattr(obj, name)
            return str(related) if related is not None else ""
        value = getattr(obj, name)
        if field.choices:
            return _choice_label(field, value) if value not in ("", None) else ""
        if isinstance(value, bool):
            return gettext("oui") if value else gettext("non")
        if isinstance(value, FieldFile):
            return value.name or ""
        if value is None:
            return ""
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return normalise_text(str(value))

    def snapshot(self, obj, m2m: Mapping | None = None) -> dict[str, str]:
        """The tracked values of `obj` as display strings. `m2m` gives many-to-many values of
        an object not saved yet (a proposal being reviewed). In French, whoever asks."""
        with override("fr"):
            values = {name: self._display(obj, name, m2m) for name in self.fields}
            if self.related is not None:
                values.update(
                    self.related(obj) if obj.pk else dict.fromkeys(self.related_labels, "")
                )
        return values

    def diff(self, before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
        """{field: [old, new]} for what differs once normalised (old records may hold values
        written before normalisation)."""
        out = {}
        for name in self.tracked:
            old, new = before.get(name, ""), after.get(name, "")
            if normalise_text(old) != normalise_text(new):
                out[name] = [old, new]
        return out

    # -- records ----------------------------------------------------------------------------

    def build(self, obj, changes: dict, *, origin: Origin, action: str, comment: str = ""):
        """An unsaved record (for bulk writers, which insert many at once)."""
        return self.record_model(
            **{self.owner: obj},
            user=origin.actor,
            action=action,
            source=origin.source,
            changes=changes,
            comment=str(comment or origin.comment)[:300],
        )

    def record(
        self,
        obj,
        before: Mapping[str, str],
        *,
        origin: Origin,
        action: str = ChangeAction.UPDATED,
        comment: str = "",
        after: Mapping[str, str] | None = None,
    ):
        """Write a record if anything changed since `before` (a snapshot; {} for a creation,
        so every filled field appears). An update that changed nothing writes nothing; other
        actions (a merge, a status decision) are recorded even without a field change.
        Returns the record or None."""
        changes = self.diff(before, after if after is not None else self.snapshot(obj))
        if not changes and action == ChangeAction.UPDATED:
            return None
        record = self.build(obj, changes, origin=origin, action=action, comment=comment)
        record.save()
        return record

    def field_label(self, name: str) -> str:
        if name in self.related_labels:
            return str(self.related_labels[name])
        try:
            return str(self.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # removed since the record was written: its code name
            return name
