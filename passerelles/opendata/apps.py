from django.apps import AppConfig
from django.core import checks
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
        # A deployment check: development and tests may keep the placeholder.
        checks.register(_iati_ref_check, checks.Tags.compatibility, deploy=True)


def _iati_ref_check(app_configs, **kwargs):
    """The IATI publisher identifier must be a registered one: it prefixes every identifier
    our exports give (decisions §27)."""
    from django.conf import settings

    from passerelles.opendata.iati.codelists import agency_code

    ref = getattr(settings, "PASSERELLES_IATI_REF", "")
    if agency_code(ref) and not ref.upper().startswith("FR-PASSERELLES"):
        return []
    return [
        checks.Warning(
            f"PASSERELLES_IATI_REF={ref!r} does not start with a code of the IATI "
            "OrganisationRegistrationAgency codelist: IATI exports will carry an identifier "
            "no IATI tool accepts.",
            hint="Set it to the network's registered identifier, e.g. FR-RCS-<SIREN>.",
            id="opendata.W001",
        )
    ]
