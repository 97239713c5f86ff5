"""`passerelles demo`: load the demo dataset (about 520 organisations here and abroad, demo
accounts, a moderation queue); `--size N` scales it for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from passerelles.actors.demo import DEMO_PASSWORD, DEMO_USERS, build_demo
from passerelles.actors.models import Organisation
from passerelles.core import fragments
from passerelles.core.demo import build_extensions

STEP_LABELS = {
    "clear": "Suppression de la démo précédente",
    "places": "Communes et localités",
    "prepare": "Préparation des organisations",
    "organisations": "Écriture des organisations",
    "links:themes": "Thèmes",
    "links:sdgs": "ODD",
    "links:countries": "Pays d'action",
    "index": "Index de recherche",
}


class Command(BaseCommand):
    @property
    def help(self):
        # A property, so the description follows the active language (argparse wants a str).
        return _("Charge le jeu de données de démonstration (organisations, comptes, modération).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            metavar="N",
            type=int,
            default=None,
            help=_(
                "Nombre total d'organisations (par défaut 520 ; 20000 ou 100000 pour les bancs)."
            ),
        )
        parser.add_argument(
            "--seed", type=int, default=42, help=_("Graine du tirage (même graine, mêmes données).")
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Ne rien faire si l'annuaire contient déjà des organisations."),
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help=_("Supprimer d'abord toutes les organisations, pas seulement celles de la démo."),
        )

    def handle(self, *args, size=None, seed=42, if_empty=False, flush=False, **options):
        if size is not None and size < 1:
            raise CommandError(_("--size doit être un entier positif."))
        if if_empty and Organisation.objects.exists():
            self.stdout.write(_("L'annuaire contient déjà des organisations : rien à faire."))
            return
        console = Console(file=self.stdout._out, stderr=False)
        started = time.monotonic()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        # A progress bar only on a terminal: logs and CI get the final summary alone.
        with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
            tasks = {}

            def progress(step, done, total):
                if step not in tasks:
                    tasks[step] = bar.add_task(STEP_LABELS.get(step, step), total=total or 1)
                bar.update(tasks[step], completed=done, total=total or 1)

            report = build_demo(size=size, seed=seed, progress=progress, flush=flush)
            extensions = build_extensions(seed=seed, size=size, progress=progress)
        # Written in bulk, around the actions' reports: no page kept before is true any more.
        fragments.bump_all()
        elapsed = time.monotonic() - started
        self.stdout.write(
            _(
                "%(organisations)s organisations créées (%(here)s ici, %(abroad)s à l'étranger "
                "dans %(countries)s pays ; %(ess)s ESS, %(si)s solidarité internationale ; "
                "%(pending)s en attente de modération) en %(seconds).1f s."
            )
            % {
                "organisations": report["organisations"],
                "here": report["here"],
                "abroad": report["abroad"],
                "countries": report["countries_abroad"],
                "ess": report["ess"],
                "si": report["si"],
                "pending": report["pending"],
                "seconds": elapsed,
            }
        )
        for counts in extensions.values():
            # Each app words its own line (translated there); see passerelles/core/demo.py.
            if counts.get("summary"):
                self.stdout.write(str(counts["summary"]))
        accounts = ", ".join(email for email, _name, _role in DEMO_USERS)
        self.stdout.write(
            _("Comptes de démonstration (mot de passe « %(password)s ») : %(accounts)s")
            % {"password": DEMO_PASSWORD, "accounts": accounts}
        )
