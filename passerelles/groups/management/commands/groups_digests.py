"""`passerelles groups_digests`: e-mail each member of a working group the news they have not
received yet, when their chosen frequency makes a digest due. Safe to run as often as wanted
(cron every 15 minutes): a post is never sent twice to the same person (groups.actions)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.groups import actions


class Command(BaseCommand):
    @property
    def help(self):
        return _("Envoie les nouvelles des groupes de travail dues à chaque membre (une fois).")

    def handle(self, *args, **options):
        result = actions.send_digests()
        self.stdout.write(
            ngettext(
                "%(count)s e-mail de nouvelles envoyé (messages : %(posts)s).",
                "%(count)s e-mails de nouvelles envoyés (messages : %(posts)s).",
                result["mails"],
            )
            % {"count": result["mails"], "posts": result["posts"]}
        )
