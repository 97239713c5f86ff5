"""Remind winners of small grants of their final report (once each): run it daily."""

from django.core.management.base import BaseCommand

from passerelles.grants import actions


class Command(BaseCommand):
    help = "Rappelle aux lauréats leur rapport final à rendre (une seule fois)."

    def handle(self, *args, **options):
        count = actions.send_report_reminders()
        self.stdout.write(f"{count} rappel(s) envoyé(s).")
