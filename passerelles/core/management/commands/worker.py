"""`passerelles worker`: run the jobs the site queued (e-mails first; docs/decisions.md §19).

One line per job as it starts and ends. At start, and before each job, jobs left "running" by a
worker that died are queued again or, after their last attempt, marked failed
(core.jobs.recover_interrupted). Ctrl-C or SIGTERM lets the current job finish; a second one
stops it at once (the job is then recovered by the next start)."""

import logging
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from rich.console import Console
from rich.markup import escape

from passerelles.core import jobs

# Before a job, look for interrupted ones at most this often (seconds).
RECOVER_EVERY = 60
# The apps' periodic chores (core.jobs.housekeeping: expired import previews…) run this often,
# in a thread of their own, whether jobs come or not.
HOUSEKEEPING_EVERY = 300
# What core.mail.deliver returns when the message did not leave.
OUTCOMES = {"retrying": _lazy("nouvel essai prévu"), "failed": _lazy("abandonné")}


def _masked(address: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


def describe(row) -> str:
    """What a job is, in a few words, for the worker's log and the staff page."""
    from passerelles.core import mail, progress
    from passerelles.core.models import OutgoingMail

    if row.task_path == mail.deliver.module_path and row.args_kwargs.get("args"):
        message = OutgoingMail.objects.filter(pk=row.args_kwargs["args"][0]).first()
        if message is not None:
            return _("Courriel « %(subject)s » à %(to)s") % {
                "subject": message.subject,
                "to": _masked(message.to),
            }
    return progress.label_for_task(row.pk) or row.task_path.rsplit(".", 1)[-1]


class RichWorker(Worker):
    def __init__(self, *, console: Console, **kwargs):
        super().__init__(**kwargs)
        self.console = console
        self._recovered_at = 0.0

    def recover(self) -> None:
        self._recovered_at = time.monotonic()
        requeued, failed = jobs.recover_interrupted()
        if requeued or failed:
            self.console.log(
                _("Tâches interrompues : %(requeued)s, %(failed)s en échec.")
                % {
                    "requeued": ngettext("%(n)s relancée", "%(n)s relancées", requeued)
                    % {"n": requeued},
                    "failed": failed,
                }
            )

    def run(self) -> None:
        self.console.log(_("Le worker démarre (%(id)s).") % {"id": self.worker_id})
        self.recover()
        stop = threading.Event()
        chores = threading.Thread(
            target=self._housekeeping, args=(stop,), name="housekeeping", daemon=True
        )
        chores.start()
        try:
            super().run()
        finally:
            stop.set()
        self.console.log(_("Le worker s'arrête."))

    def _housekeeping(self, stop: threading.Event) -> None:
        from django.db import connection

        while not stop.is_set():
            try:
                jobs.run_housekeeping()
            finally:
                connection.close()  # this thread's own connection
            stop.wait(HOUSEKEEPING_EVERY)

    def run_task(self, db_task_result) -> None:
        if time.monotonic() - self._recovered_at > RECOVER_EVERY:
            self.recover()
        # Subjects are people's text: never read as rich markup.
        label = escape(describe(db_task_result))
        attempt = len(db_task_result.worker_ids)
        self.console.log(f"▶ {label}" + (f" ({_('essai')} {attempt})" if attempt > 1 else ""))
        started = time.monotonic()
        super().run_task(db_task_result)
        seconds = time.monotonic() - started
        db_task_result.refresh_from_db(fields=["status", "return_value", "exception_class_path"])
        if db_task_result.status == TaskResultStatus.FAILED:
            error = db_task_result.exception_class_path.rsplit(".", 1)[-1]
            self.console.log(f"[red]✗ {label} — {_('échec')} : {error}[/] ({seconds:.1f} s)")
        elif isinstance(db_task_result.return_value, str) and (
            db_task_result.return_value in OUTCOMES
        ):
            # A mail job that ran fine but whose message did not leave (core.mail.deliver).
            # Other jobs may return any JSON (a dict is not hashable): only strings are looked up.
            word = OUTCOMES[db_task_result.return_value]
            self.console.log(f"[yellow]↻ {label} — {word}[/] ({seconds:.1f} s)")
        else:
            self.console.log(f"[green]✓ {label}[/] ({seconds:.1f} s)")


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Exécute les tâches en file d'attente (courriels, travaux longs) ; "
            "à lancer à côté du serveur."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help=_("Exécuter les tâches en attente puis s'arrêter."),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("Secondes entre deux regards sur la file quand elle est vide (1)."),
        )

    def handle(self, *args, batch=False, interval=1.0, verbosity=1, **options):
        if not 0 <= interval <= 3600:
            raise CommandError(_("--interval doit être compris entre 0 et 3600."))
        if not isinstance(task_backends["default"], DatabaseBackend):
            raise CommandError(
                _(
                    "Les tâches ne passent pas par la base de données (réglage TASKS) : "
                    "elles s'exécutent déjà sans worker."
                )
            )
        # Our own lines say what the library's would; keep only its warnings and errors.
        for name in ("django_tasks", "django_tasks_db"):
            logging.getLogger(name).setLevel(logging.WARNING)
        console = Console(
            file=self.stdout._out,
            highlight=False,
            soft_wrap=True,
            log_path=False,
            quiet=verbosity == 0,
            log_time_format="%H:%M:%S",
        )
        worker = RichWorker(
            console=console,
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=jobs.new_worker_id(),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()
