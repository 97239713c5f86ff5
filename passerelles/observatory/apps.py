from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "passerelles.observatory"
    verbose_name = _("Observatoire")

    def ready(self):
        # Registers every indicator (each module adds its own to the registry).
        # The PDF task must be known to the worker before any job; the live years' PDFs are
        # swept once a day old by the worker's housekeeping (report_pdf).
        from passerelles.core import jobs
        from passerelles.observatory import (
            indicators,  # noqa: F401
            report_pdf,
        )

        jobs.housekeeping("observatory.sweep_report_pdfs", report_pdf.sweep_live_files)
        self._retire_kept_figures()

    def _retire_kept_figures(self):
        """The kept figures (computed.py) name the "activity" topic: every row the indicators
        count beyond organisations and projects retires it when saved or deleted. Those apps'
        actions do not report core.indexing topics, hence signals, as for calls and
        referentials (organisations and projects are retired by their actions)."""
        from passerelles.accompaniment.models import Case
        from passerelles.cooperation.models import Contribution, CooperationSpace
        from passerelles.core import fragments
        from passerelles.events.models import Event, Registration
        from passerelles.grants.models import Application, Round
        from passerelles.users.models import Membership

        fragments.bump_on_save(
            Event,
            Registration,
            Contribution,
            CooperationSpace,
            Application,
            Round,
            Case,
            Membership,
            topic="activity",
        )
