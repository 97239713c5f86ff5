"""Signals of the organisations' actions, for the apps above actors.

`organisations_merged` is core.signals.records_merged, sent with sender=Organisation by
actions.merge_organisations: see core/signals.py. Apps below actors (users) connect to the core
signal with `apps.get_model("actors", "Organisation")` as sender, so they import nothing of
actors."""

from passerelles.core.signals import records_merged

organisations_merged = records_merged
