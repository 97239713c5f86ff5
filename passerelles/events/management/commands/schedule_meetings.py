"""`passerelles schedule-meetings EVENT_SLUG`: compute the one-to-one meetings of an event, with
a progress display and a summary (meetings, mutual and "must" requests met, fairness, and the
objective beside the upper bound and first come, first served)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from passerelles.events.models import Event
from passerelles.events.scheduling import PHASES, SchedulingError, run


class Command(BaseCommand):
    @property
    def help(self):
        return _("Calcule le planning des rencontres one-to-one d'un événement.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("Identifiant d'adresse de l'événement."))
        parser.add_argument(
            "--time-limit",
            type=float,
            default=60.0,
            help=_("Temps de calcul maximal en secondes (60 par défaut)."),
        )
        parser.add_argument(
            "--replan-all",
            action="store_true",
            help=_(
                "Tout replanifier : les rencontres prévues peuvent être déplacées ou retirées "
                "(par défaut, elles restent et seules les nouvelles demandes sont placées)."
            ),
        )
        parser.add_argument(
            "--notify",
            action="store_true",
            help=_("Prévenir par e-mail les personnes dont les rencontres changent."),
        )

    def handle(self, *args, slug, time_limit=60.0, replan_all=False, notify=False, **options):
        if not 0 < time_limit <= 3600:
            raise CommandError(_("--time-limit doit être compris entre 0 et 3600 secondes."))
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(_("Aucun événement « %(slug)s ».") % {"slug": slug})
        if not event.meetings_enabled:
            raise CommandError(_("Les rencontres ne sont pas activées pour cet événement."))
        console = Console(file=self.stdout._out, stderr=False)

        with console.status(_("Calcul en cours…"), spinner="dots") as status:

            def on_progress(info: dict):
                label = str(PHASES.get(info.get("phase"), info.get("phase", "")))
                figures = []
                if info.get("objective") is not None:
                    figures.append(_("score %(value)s") % {"value": info["objective"]})
                if info.get("upper_bound") is not None:
                    figures.append(_("borne %(value)s") % {"value": info["upper_bound"]})
                line = f"{label} — {info.get('seconds', 0)} s" + (
                    f" ({', '.join(figures)})" if figures else ""
                )
                status.update(line)
                if console.is_terminal:
                    console.log(line)

            try:
                schedule = run(
                    event,
                    time_limit=time_limit,
                    replan_all=replan_all,
                    on_progress=on_progress,
                    notify=notify,
                )
            except SchedulingError as error:
                raise CommandError(str(error)) from error

        s = schedule.summary
        table = Table(title=_("Planning de « %(event)s »") % {"event": event.title})
        table.add_column(_("Mesure"))
        table.add_column(_("Valeur"), justify="right")
        rows = [
            (_("Participant·es"), s["participants"]),
            (_("Rencontres (dont gardées)"), f"{s['meetings']} ({s['kept_meetings']})"),
            (_("Demandes satisfaites"), f"{s['requested_pairs_met']} / {s['requested_pairs']}"),
            (
                _("Demandes réciproques satisfaites"),
                f"{s['mutual_pairs_met']} / {s['mutual_pairs']}",
            ),
            (
                _("Demandes « indispensable » satisfaites"),
                f"{s['must_requests_met']} / {s['must_requests']}",
            ),
            (
                _("Demandeur·ses sans rencontre"),
                f"{s['askers_without_meeting']} / {s['askers']}",
            ),
            (_("Score"), _fmt(schedule.objective)),
            (_("Borne supérieure"), _fmt(schedule.upper_bound)),
            (_("Premier arrivé, premier servi"), _fmt(schedule.greedy_objective)),
            (_("Part de la borne"), f"{schedule.quality:.1%}" if schedule.quality else "—"),
            (_("Statut"), _status_label(schedule.status)),
            (_("Durée"), f"{schedule.seconds or 0:.1f} s"),
        ]
        for label, value in rows:
            table.add_row(str(label), str(value))
        console.print(table)


def _status_label(status: str) -> str:
    labels = {
        "optimal": _("optimal (prouvé)"),
        "feasible": _("valide, optimum non prouvé dans le temps imparti"),
        "greedy": _("premier arrivé, premier servi (rien de mieux trouvé)"),
        "empty": _("rien à planifier"),
    }
    return str(labels.get(status, status))


def _fmt(value) -> str:
    return "—" if value is None else f"{value:g}"
