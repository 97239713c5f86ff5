"""One door for every write: the rows of an aggregate (an organisation, a project, …) are
written only inside its actions module, which validates, derives, records history, opens
moderation and asks for re-indexing (docs/decisions.md, "One door").

`guard(model, …)` watches the rows of an aggregate: a save, a bulk insert or update, a
queryset update, or a change of its many-to-many links made while no action is running is a
write around the door. With `PASSERELLES_STRICT_DOOR` (development and tests) it raises
`WriteOutsideActions`, so the test suite fails on any path that forgets the door; in
production it is logged as an error with its stack, and the write goes on (refusing it would
turn a forgotten path into an error page for a member).

Actions enter with `inside()`; migrations are not watched (their historical models are other
classes), and `raw` saves (fixtures loaded by loaddata) are allowed.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db.models.signals import m2m_changed, pre_save

logger = logging.getLogger("passerelles.door")

_depth: ContextVar[int] = ContextVar("passerelles_door", default=0)


class WriteOutsideActions(RuntimeError):
    """A row of an aggregate written around its actions module."""


@contextmanager
def inside():
    """Mark the block as an action's own writes (nested actions share it)."""
    token = _depth.set(_depth.get() + 1)
    try:
        yield
    finally:
        _depth.reset(token)


def is_open() -> bool:
    return _depth.get() > 0


def check(model, what: str) -> None:
    """Called before a write of `model`'s rows: refuse (or log) it when no action runs."""
    if is_open():
        return
    message = (
        f"{what} on {model._meta.label} outside its actions module: write through "
        f"passerelles.{model._meta.app_label}.actions (docs/decisions.md, 'One door')."
    )
    if getattr(settings, "PASSERELLES_STRICT_DOOR", False):
        raise WriteOutsideActions(message)
    logger.error(message, stack_info=True)


def _pre_save(sender, instance, raw=False, **kwargs):
    if not raw:
        check(sender, "save()")


def _links_changed(sender, instance, action, **kwargs):
    if action in ("pre_add", "pre_remove", "pre_clear"):
        check(type(instance), f"a change of its links ({sender._meta.label})")


class GuardedQuerySet:
    """Mixin for the querysets of guarded models: bulk writes pass the same check as saves."""

    def bulk_create(self, objs, *args, **kwargs):
        check(self.model, "bulk_create()")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        check(self.model, "bulk_update()")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        check(self.model, "update()")
        return super().update(**kwargs)


def guard(model, *, m2m: tuple[str, ...] = (), rows: tuple = ()) -> None:
    """Watch `model`'s saves and the link tables of its many-to-many fields `m2m`; `rows` are
    models whose rows belong to the aggregate too (a project's places), watched the same way.
    Bulk writes are watched by the model's queryset (GuardedQuerySet)."""
    uid = f"passerelles.door.{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
    for name in m2m:
        through = model._meta.get_field(name).remote_field.through
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"{uid}.{name}")
    for part in rows:
        pre_save.connect(_pre_save, sender=part, dispatch_uid=f"{uid}.{part._meta.label}")
