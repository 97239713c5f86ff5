from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "passerelles.opendata"
    verbose_name = _("Données ouvertes")

    def ready(self):
        # The import jobs' failure handlers (core.progress.on_failure) must be known to the
        # worker before it recovers or runs any job.
        # The export files are made again when what they hold changes (export_cache).
        from passerelles.opendata import (
            export_cache,
            tasks,  # noqa: F401
        )

        export_cache.connect()

        # Previews nobody applied expire (opendata.actions), run by the worker's housekeeping.
        from passerelles.core import jobs
        from passerelles.opendata import actions

        jobs.housekeeping("opendata.expire_imports", actions.expire_runs)
