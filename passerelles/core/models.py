"""The outbox (one row per e-mail, from the decision that asked for it to its delivery) and the
long jobs people follow (core.progress).

The row says what happened to a message (queued, being sent, waiting for another attempt, sent,
failed, or refused by the limits on outgoing mail), how many attempts it took and the last
error, for staff (core.views_jobs) and for the worker deciding whether to try again
(core.mail.deliver). The rows are also what the limits count (core.mail_limits)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    RETRYING = "retrying", _("Nouvel essai prévu")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
    # Not queued: the recipient or the client reached its limit (core.mail_limits).
    REFUSED = "refused", _("Refusé (limite)")


class OutgoingMail(models.Model):
    to = models.CharField(_("destinataire"), max_length=254)
    subject = models.CharField(_("objet"), max_length=255)
    # Emptied once the message is sent or given up: the outbox keeps what happened, not what
    # people were told (a password reset link has no business staying in the database).
    body = models.TextField(_("texte"), blank=True)
    template = models.CharField(_("modèle"), max_length=200, blank=True)
    language = models.CharField(_("langue"), max_length=5, default="fr")
    status = models.CharField(
        _("état"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # Who made the site send it ("ip:…" or "user:…"), when it counts in that client's limit;
    # empty for staff, the system and notices to people the client did not choose.
    client = models.CharField(_("demandé par"), max_length=100, blank=True)
    # A staff decision the person must learn: neither limited nor counted per address.
    exempt = models.BooleanField(_("hors limite par adresse"), default=False)

    class Meta:
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            # What the limits count: recent mail to one address, from one client.
            models.Index(Upper("to"), "created_at", name="core_mail_to_recent"),
            models.Index(fields=["client", "created_at"], name="core_mail_client_recent"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    FAILED = "failed", _("Échec")


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobUnit(models.TextChoices):
    """What a job's counters count, so that the page can say "1 200 / 25 000 lignes"."""

    ROWS = "rows", _("lignes")
    ACTIVITIES = "activities", _("activités")
    SECONDS = "seconds", _("secondes")


class JobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_JOB_STATUSES)

    def visible_to(self, user):
        """The jobs a person follows: their own; staff follow everyone's."""
        if not user.is_authenticated:
            return self.none()
        if user.is_network_staff:
            return self
        return self.filter(owner=user)


class Job(models.Model):
    """A long job as the person who asked for it follows it (core.progress): what it is, how
    far it got, and how it ended. The task runner's own row (django-tasks) says whether a
    worker runs it; this one says what the person needs to know, in their language."""

    kind = models.CharField(_("type"), max_length=50)
    label = models.CharField(_("libellé"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # At most one queued or running job per non-empty key (a constraint): a second scheduler
    # run for the same event is refused instead of racing the first.
    key = models.CharField(_("clé"), max_length=100, blank=True)
    language = models.CharField(_("langue"), max_length=5, default="fr")
    status = models.CharField(
        _("état"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("fait"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    unit = models.CharField(_("unité"), max_length=12, choices=JobUnit.choices, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result_url = models.CharField(_("adresse du résultat"), max_length=500, blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    task_result_id = models.CharField(_("identifiant de tâche"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("travail long")
        verbose_name_plural = _("travaux longs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["task_result_id"]),
            models.Index(fields=["key", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status__in=["queued", "running"]) & ~models.Q(key=""),
                name="%(app_label)s_%(class)s_one_active_per_key",
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("core:job", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == JobStatus.FAILED

    @property
    def badge(self) -> str:
        return {
            JobStatus.DONE: "badge-success",
            JobStatus.FAILED: "badge-error",
            JobStatus.RUNNING: "badge-info",
        }.get(self.status, "")

    @property
    def progress_text(self) -> str:
        """ "1 200 / 25 000 lignes", "1 200 lignes" while the total is unknown, "" before."""
        done = number_format(self.done, force_grouping=True)
        unit = self.unit or JobUnit.ROWS
        if self.total is None:
            if not self.done:
                return ""
            return UNIT_DONE[unit](self.done) % {"done": done}
        total = number_format(self.total, force_grouping=True)
        return UNIT_OF[unit](self.total) % {"done": done, "total": total}


UNIT_OF = {
    JobUnit.ROWS: lambda n: ngettext(
        "%(done)s / %(total)s ligne", "%(done)s / %(total)s lignes", n
    ),
    JobUnit.ACTIVITIES: lambda n: ngettext(
        "%(done)s / %(total)s activité", "%(done)s / %(total)s activités", n
    ),
    JobUnit.SECONDS: lambda n: ngettext(
        "%(done)s / %(total)s seconde", "%(done)s / %(total)s secondes", n
    ),
}
UNIT_DONE = {
    JobUnit.ROWS: lambda n: ngettext("%(done)s ligne traitée", "%(done)s lignes traitées", n),
    JobUnit.ACTIVITIES: lambda n: ngettext(
        "%(done)s activité traitée", "%(done)s activités traitées", n
    ),
    JobUnit.SECONDS: lambda n: ngettext("%(done)s seconde", "%(done)s secondes", n),
}


class SearchIndexState(models.Model):
    """Which document format each full-text index was last built with (core.search.FORMAT).
    A release that changes how words are written into the index raises FORMAT, and the next
    `migrate` rebuilds every index still in the old format (core.search.formats), so an
    existing database never answers searches from documents the query side no longer reads."""

    table = models.CharField(max_length=63, primary_key=True)
    format = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("état d'un index de recherche")
        verbose_name_plural = _("états des index de recherche")

    def __str__(self):
        return f"{self.table} (format {self.format})"


class ChangeToken(models.Model):
    """A token per topic ("organisation", "referentials"…) that the write path replaces in the
    same transaction as the data (core.changes.touch, called by core.fragments.written).

    The per-process columns of the directory (actors.snapshot) compare it with the token they
    were read at: one primary-key read per page, shared by every worker through the database,
    whether or not the page cache is on (its versions live in the cache, which may be off)."""

    topic = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)
    # The token this one replaced, set by the same UPDATE (core.changes.touch): the log row
    # of the change reads it there, under the row's lock.
    previous = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("jeton de changement")
        verbose_name_plural = _("jetons de changement")

    def __str__(self):
        return f"{self.topic}: {self.token}"


class ChangeLog(models.Model):
    """One row per change of a topic's token (docs/decisions.md §45): the token replaced, the
    new one and the ids the write changed ("" when unknown: read everything again).

    Written in the writing transaction after the token's row is locked, so the rows of one
    topic chain `previous` → `token` in commit order, and a rolled-back write leaves none. A
    process holding columns read at token T follows the chain from T to the current token and
    patches just those rows (core.columns.Store). Rows older than a day are pruned by the
    worker's housekeeping (core.changes.prune)."""

    topic = models.CharField(max_length=40)
    previous = models.CharField(max_length=32)
    token = models.CharField(max_length=32)
    # Comma-separated ids; empty: everything may have changed.
    ids = models.TextField(blank=True, default="")
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("changement journalisé")
        verbose_name_plural = _("changements journalisés")
        indexes = [models.Index(fields=["topic", "previous"], name="core_changelog_link")]

    def __str__(self):
        return f"{self.topic}: {self.previous} → {self.token}"
