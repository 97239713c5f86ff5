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
