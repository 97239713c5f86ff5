"""Import runs: an uploaded file, its dry-run preview and, once staff apply it, the result (or
its end unapplied: abandoned by a person, expired after some days — opendata.actions).

The file itself is kept (in the database: it is small, private, and must be read by the task
worker, and again between the preview and "appliquer"), with its SHA-256 so the same file
uploaded twice is recognised. The preview and the application are jobs (opendata.tasks): the
run is "pending" until its preview is ready, "applying" while it is applied. Applying runs the
same source on the stored bytes, wet this time; a run is applied at most once (a conditional
update claims it), and imports are idempotent anyway."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFile(models.Model):
    """One open-data export as a file made by the worker (opendata.export_cache): where the
    current file is, what it holds (size, SHA-256, the data as of when), and whether a newer
    one is wanted. Visitors are served the current file, even while the next is being made.

    Only a cache: deleting the rows and the files loses nothing, they are made again on the
    next download (which is why the backup leaves the files out)."""

    key = models.CharField(_("export"), max_length=40, unique=True)  # export.Export.key
    # Names in the "exports" storage of the file and of its gzip copy; empty until the first
    # file is made. Each file has a name of its own, so a name always means the same bytes.
    name = models.CharField(_("fichier"), max_length=200, blank=True)
    gzip_name = models.CharField(_("fichier compressé"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    gzip_size = models.PositiveBigIntegerField(_("taille compressée (octets)"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    # When the making of the current file started: the data it holds are those of that moment.
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    generation = models.PositiveIntegerField(_("nombre de générations"), default=0)
    # The site address written in the file's links, and a digest of the settings the file
    # depends on (address, network name, IATI identifier, language): a change makes it stale.
    base_url = models.CharField(_("adresse du site"), max_length=200, blank=True)
    fingerprint = models.CharField(_("empreinte des réglages"), max_length=64, blank=True)
    stale = models.BooleanField(_("à refaire"), default=False)
    changed_at = models.DateTimeField(_("données modifiées le"), null=True, blank=True)
    # A regeneration job is waiting since then (at most one at a time: bursts coalesce).
    queued_at = models.DateTimeField(_("en file depuis"), null=True, blank=True)
    started_at = models.DateTimeField(_("en cours depuis"), null=True, blank=True)
    failed_at = models.DateTimeField(_("dernier échec le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("fichier d'export")
        verbose_name_plural = _("fichiers d'export")

    def __str__(self):
        return self.key


class RunStatus(models.TextChoices):
    PENDING = "pending", _("simulation en cours")
    PREVIEWED = "previewed", _("simulé, à appliquer")
    APPLYING = "applying", _("application en cours")
    APPLIED = "applied", _("appliqué")
    REFUSED = "refused", _("fichier refusé")
    # A preview nobody applied: given up by a person, or left past PASSERELLES_IMPORT_EXPIRY_DAYS
    # (opendata.actions). Nothing was written; the file is no longer kept.
    ABANDONED = "abandoned", _("abandonné")
    EXPIRED = "expired", _("expiré")


class ImportRunQuerySet(models.QuerySet):
    def recent(self):
        return self.select_related("created_by", "applied_by").order_by("-created_at")


class ImportRun(models.Model):
    kind = models.CharField(_("source"), max_length=30)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    content = models.BinaryField(_("contenu"), editable=False)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    status = models.CharField(
        _("état"), max_length=12, choices=RunStatus.choices, default=RunStatus.PREVIEWED
    )
    # Counts of the preview, then of the applied run: {"created": n, "updated": n, …}.
    counts = models.JSONField(_("décompte"), default=dict, blank=True)
    # The preview's rows (rejections first, then the first others), as shown on the page.
    rows = models.JSONField(_("lignes"), default=list, blank=True)
    error = models.TextField(_("motif du refus"), blank=True)
    # Records (rows, IATI activities) in the file, counted by the preview.
    records = models.PositiveIntegerField(_("enregistrements"), null=True, blank=True)
    # The job working on the run (the preview, then the application), or the last one: its
    # progress while it runs, its error if it failed (opendata.tasks).
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appliqué par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("appliqué le"), null=True, blank=True)
    # What the application created, by kind: {"organisation": [pk…], "project": [pk…]}, so
    # staff can publish the run's records at once (opendata.actions.publish_run).
    created_ids = models.JSONField(_("créés par l'import"), default=dict, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="applied", applied_at__isnull=False) | ~Q(status="applied"),
                name="%(app_label)s_%(class)s_applied_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.kind}, {self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("opendata:run", kwargs={"pk": self.pk})

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @property
    def is_applied(self) -> bool:
        return self.status == RunStatus.APPLIED

    @property
    def can_apply(self) -> bool:
        return self.status == RunStatus.PREVIEWED

    @property
    def is_given_up(self) -> bool:
        return self.status in (RunStatus.ABANDONED, RunStatus.EXPIRED)

    @property
    def is_working(self) -> bool:
        """A job is simulating or applying it."""
        return self.status in (RunStatus.PENDING, RunStatus.APPLYING)

    def claim_for_apply(self, user) -> bool:
        """Mark the run as being applied, unless another request did first: a double click or
        two staff members on the same preview apply it once (the job then writes in one
        transaction with the run marked applied). True when this call claimed it."""
        claimed = ImportRun.objects.filter(pk=self.pk, status=RunStatus.PREVIEWED).update(
            status=RunStatus.APPLYING, applied_by=user, applied_at=None
        )
        if claimed:
            self.refresh_from_db()
        return bool(claimed)

    @property
    def created_count(self) -> int:
        return sum(len(ids) for ids in (self.created_ids or {}).values())

    def same_file_applied(self):
        """An earlier applied run of the same file and kind, if any (shown as a warning)."""
        return (
            ImportRun.objects.filter(sha256=self.sha256, kind=self.kind, status=RunStatus.APPLIED)
            .exclude(pk=self.pk)
            .order_by("-applied_at")
            .first()
        )
