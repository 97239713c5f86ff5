"""`passerelles accompaniment_reminders`: e-mail each staff member in charge the next steps of
their cases that are due today or overdue. Each next step is reminded once (a sent-marker on
the case, cleared when the step changes), so the command can run from cron every day, or
every hour."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.accompaniment import actions


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Rappelle aux chargé·es de mission les prochaines étapes arrivées à échéance "
            "(une fois par étape)."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", metavar="AAAA-MM-JJ", help=_("Le jour à considérer (aujourd'hui).")
        )

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(
                    _("Date invalide « %(date)s » : écrivez-la AAAA-MM-JJ.") % {"date": date}
                ) from error
        count = actions.send_reminders(today)
        self.stdout.write(
            ngettext(
                "%(count)s prochaine étape rappelée.",
                "%(count)s prochaines étapes rappelées.",
                count,
            )
            % {"count": count}
        )
