"""The outbox: one row per e-mail, from the decision that asked for it to its delivery.

The row says what happened to a message (queued, being sent, waiting for another attempt, sent,
failed, or refused by the limits on outgoing mail), how many attempts it took and the last
error, for staff (core.views_jobs) and for the worker deciding whether to try again
(core.mail.deliver). The rows are also what the limits count (core.mail_limits)."""

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


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
