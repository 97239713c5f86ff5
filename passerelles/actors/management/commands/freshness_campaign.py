"""`passerelles freshness_campaign`: ask "still current?" of every published record not
confirmed for PASSERELLES_FRESHNESS_AGE_DAYS and not asked for
PASSERELLES_FRESHNESS_REMIND_DAYS (docs/decisions.md §31). Runs here, with a progress bar, as
the same job staff start from /annuaire/fraicheur/ (one campaign at a time); run twice, the
second run asks nobody. `--dry-run` says what it would do and writes nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from passerelles.actors import freshness
from passerelles.core import progress


class Command(BaseCommand):
    help = _("Envoie les courriels « toujours à jour ? » des fiches à confirmer.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Dire ce qui serait envoyé, sans rien écrire.")
        )
        parser.add_argument(
            "--site-url",
            default="",
            help=_("Adresse du site dans les liens (sinon PASSERELLES_SITE_URL)."),
        )

    def handle(self, *args, dry_run=False, site_url="", verbosity=1, **options):
        if dry_run:
            plan = freshness.plan()
            self.stdout.write(
                freshness.summary(
                    {
                        "asked": plan["due"] - plan["without_address"],
                        "emails": len(plan["recipients"]),
                        "without_address": plan["without_address"],
                    }
                )
                + " "
                + _("(simulation : rien n'est envoyé)")
            )
            return
        try:
            job = freshness.start_job(owner=None)
        except progress.Busy as busy:
            raise CommandError(
                _("Une campagne est déjà en cours (travail n° %(pk)s).") % {"pk": busy.job.pk}
            ) from None
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            disable=verbosity == 0,
        ) as bar:
            task = bar.add_task(_("Courriels préparés"), total=None)
            freshness.run(
                progress.start(job.pk),
                site_url,
                echo=lambda d, t: bar.update(task, completed=d, total=t),
            )
        job.refresh_from_db()
        if job.status != "done":
            raise CommandError(job.error)
        if verbosity:
            self.stdout.write(job.message)
