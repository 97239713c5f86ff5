"""`passerelles bench-scheduler --participants N --slots S --seed K [--json]`: generate a
realistic meeting instance (passerelles.events.scheduler.generator), schedule it, and print the
objective beside the upper bound and first come, first served on the same instance."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from passerelles.events.scheduler import check, generate_instance, solve


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Mesure le planificateur de rencontres sur une instance générée (score, borne "
            "supérieure, premier arrivé premier servi, durée)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=1000, help=_("Participant·es."))
        parser.add_argument("--slots", type=int, default=12, help=_("Créneaux."))
        parser.add_argument("--seed", type=int, default=1, help=_("Graine du tirage."))
        parser.add_argument(
            "--time-limit", type=float, default=60.0, help=_("Temps de calcul maximal (s).")
        )
        parser.add_argument("--workers", type=int, default=2, help=_("Fils de calcul CP-SAT."))
        parser.add_argument(
            "--max-meetings", type=int, default=6, help=_("Rencontres au plus par personne.")
        )
        parser.add_argument("--json", action="store_true", help=_("Sortie JSON sur une ligne."))

    def handle(self, *args, **options):
        participants, slots = options["participants"], options["slots"]
        if not 2 <= participants <= 20000:
            raise CommandError(_("--participants doit être compris entre 2 et 20000."))
        if not 1 <= slots <= 48:
            raise CommandError(_("--slots doit être compris entre 1 et 48."))
        if not 0 < options["time_limit"] <= 3600:
            raise CommandError(_("--time-limit doit être compris entre 0 et 3600 secondes."))
        if not 1 <= options["workers"] <= 64:
            raise CommandError(_("--workers doit être compris entre 1 et 64."))
        if not 1 <= options["max_meetings"] <= slots:
            raise CommandError(
                _("--max-meetings doit être compris entre 1 et le nombre de créneaux.")
            )
        figures = measure(
            participants,
            slots,
            options["seed"],
            time_limit=options["time_limit"],
            workers=options["workers"],
            max_meetings=options["max_meetings"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        lines = [
            _("%(participants)s participant·es, %(slots)s créneaux, %(requests)s demandes")
            % figures,
            _("Score : %(objective)s (borne supérieure %(upper_bound)s, soit %(ratio)s)")
            % {**figures, "ratio": f"{figures['ratio_upper_bound']:.1%}"},
            _("Premier arrivé, premier servi : %(greedy)s (gain %(gain)s)")
            % {**figures, "gain": _gain(figures["ratio_greedy"])},
            _("Rencontres : %(meetings)s ; trous dans les journées : %(gaps)s") % figures,
            _("Demandeur·ses sans rencontre alors que c'était possible : %(unmet)s")
            % {"unmet": figures["unmet_fairness"]},
            _("Durée : %(seconds)s s (statut %(status)s)") % figures,
        ]
        self.stdout.write("\n".join(str(line) for line in lines))


def measure(
    participants: int,
    slots: int,
    seed: int,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    max_meetings: int = 6,
) -> dict:
    """Figures for one generated instance; the first six keys are the benchmark's contract."""
    instance = generate_instance(participants, slots, seed, max_meetings=max_meetings)
    result = solve(instance, time_limit=time_limit, workers=workers, seed=seed)
    errors = check(instance, result.meetings)
    if errors:  # a broken schedule must never be reported as a score
        raise CommandError("; ".join(errors[:5]))
    return {
        "participants": participants,
        "requests": len(instance.requests),
        "objective": result.objective,
        "upper_bound": result.upper_bound,
        "greedy": result.greedy_objective,
        "seconds": round(result.seconds, 2),
        "slots": slots,
        "seed": seed,
        "ratio_upper_bound": round(result.ratio, 4),
        "ratio_greedy": round(result.objective / result.greedy_objective, 4)
        if result.greedy_objective
        else None,
        "meetings": len(result.meetings),
        "gaps": result.stats.get("gaps", 0),
        "unmet_fairness": len(result.unmet_fairness),
        "status": str(result.status),
        "time_limit": time_limit,
        "workers": workers,
    }


def _gain(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio - 1:+.1%}"
