"""Signals shared across apps, defined here so that an app may listen without importing the
app that sends them (the layering: docs/decisions.md).

`records_merged(sender=<model class>, duplicate, target, origin)` is sent inside the
transaction of a merge (organisations today: passerelles.actors.actions.merge_organisations),
after the kept record is saved and before the duplicate is archived: each app moves its own
rows that point at `duplicate` to `target` (core.merging.repoint does the common case), so
that nothing points at the duplicate any more. A receiver that fails rolls the merge back.
Receivers connect with the model as sender, looked up by label in their app's ready()."""

from django.dispatch import Signal

records_merged = Signal()
