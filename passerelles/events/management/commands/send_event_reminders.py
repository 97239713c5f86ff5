"""`passerelles send_event_reminders`: e-mail a reminder to the confirmed participants of events
starting soon. Each registration gets one reminder, ever (recorded on it), so the command can
run from cron every hour."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.events.models import Event
from passerelles.events.services import send_reminders


class Command(BaseCommand):
    @property
    def help(self):
        return _("Envoie un rappel aux participant·es des événements qui approchent (une fois).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=2,
            help=_("Rappeler les événements qui commencent dans ce nombre de jours (2)."),
        )
        parser.add_argument("--event", metavar="SLUG", help=_("Un seul événement."))

    def handle(self, *args, days=2, event=None, **options):
        if not 0 < days <= 60:
            raise CommandError(_("--days doit être compris entre 1 et 60."))
        events = Event.objects.all()
        if event:
            events = events.filter(slug=event)
            if not events.exists():
                raise CommandError(_("Aucun événement « %(slug)s ».") % {"slug": event})
        sent = send_reminders(events, days_before=days)
        self.stdout.write(
            ngettext("%(count)s rappel envoyé.", "%(count)s rappels envoyés.", sent)
            % {"count": sent}
        )
