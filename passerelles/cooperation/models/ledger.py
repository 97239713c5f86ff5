"""What follows the purpose: actions, contributions both ways, the append-only decision log
and the in-app inbox."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.cooperation.enums import (
    ActionStatus,
    ContributionKind,
    Direction,
    LogKind,
    NotificationKind,
    Side,
)


class Action(models.Model):
    """An action, added only once a purpose is adopted, tied to one of its objectives."""

    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="actions"
    )
    version = models.ForeignKey(
        "cooperation.PurposeVersion",
        verbose_name=_("raison d'être de référence"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    objective_index = models.PositiveSmallIntegerField(_("objectif (rang)"))
    # The objective's words when the action was added: a later version may reword them.
    objective = models.CharField(_("objectif"), max_length=300)
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    lead = models.ForeignKey(
        "cooperation.SpaceMember",
        verbose_name=_("menée par"),
        on_delete=models.CASCADE,
        related_name="led_actions",
    )
    status = models.CharField(
        _("avancement"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        ordering = ["space", "objective_index", "created_at", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.title

    @property
    def led_from_there(self) -> bool:
        return self.lead.side == Side.THERE


def direction_between(giver_side: str, receiver_side: str) -> str:
    if giver_side == receiver_side:
        return Direction.SAME_SIDE
    return Direction.HERE_TO_THERE if giver_side == Side.HERE else Direction.THERE_TO_HERE


class Contribution(models.Model):
    """Who gives what to whom, its estimated value, and what was learned from the others."""

    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="contributions"
    )
    giver = models.ForeignKey(
        "cooperation.SpaceMember",
        verbose_name=_("de"),
        on_delete=models.CASCADE,
        related_name="given",
    )
    receiver = models.ForeignKey(
        "cooperation.SpaceMember",
        verbose_name=_("à"),
        on_delete=models.CASCADE,
        related_name="received",
    )
    kind = models.CharField(_("nature"), max_length=12, choices=ContributionKind.choices)
    value_eur = models.DecimalField(
        _("valeur estimée (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Derived from the members' sides when saved; stored so the ledger keeps the side the
    # members had at the time.
    direction = models.CharField(
        _("sens"), max_length=15, choices=Direction.choices, editable=False
    )
    description = models.CharField(_("quoi"), max_length=500)
    learned = models.TextField(_("ce que nous avons appris"), blank=True, max_length=2000)
    given_on = models.DateField(_("date"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        ordering = ["space", "-given_on", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=models.F("receiver")),
                name="%(app_label)s_%(class)s_not_to_oneself",
            ),
            models.CheckConstraint(
                condition=Q(value_eur__gte=0), name="%(app_label)s_%(class)s_value_positive"
            ),
        ]

    def __str__(self):
        return f"{self.giver} → {self.receiver} : {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        self.direction = direction_between(self.giver.side, self.receiver.side)
        super().save(*args, **kwargs)

    def clean(self):
        if self.giver_id and self.giver_id == self.receiver_id:
            raise ValidationError(_("Une organisation ne se donne pas à elle-même."))


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Le journal des décisions ne se modifie pas."))

    def delete(self):
        raise ValidationError(_("Le journal des décisions ne se supprime pas."))


class DecisionLogEntry(models.Model):
    """Append-only: rows are only ever added. The author's and organisation's names are
    copied so the log still reads right after renames or deleted accounts."""

    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="log"
    )
    kind = models.CharField(_("étape"), max_length=20, choices=LogKind.choices)
    at = models.DateTimeField(_("date"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("par"), max_length=200, blank=True)
    organisation_name = models.CharField(_("au nom de"), max_length=200, blank=True)
    summary = models.CharField(_("résumé"), max_length=1000)
    version_number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    round_id_ref = models.PositiveIntegerField(_("tour"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["space", "at", "pk"]
        verbose_name = _("entrée du journal des décisions")
        verbose_name_plural = _("journal des décisions")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Le journal des décisions ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Le journal des décisions ne se supprime pas."))

    @classmethod
    def record(cls, space, kind, summary, *, user=None, member=None, version=None, round=None):
        return cls.objects.create(
            space=space,
            kind=kind,
            summary=str(summary)[:1000],
            author=user if user is not None and user.is_authenticated else None,
            author_name=str(user)[:200] if user is not None and user.is_authenticated else "",
            organisation_name=str(member.organisation)[:200] if member is not None else "",
            version_number=version.number if version is not None else None,
            round_id_ref=round.pk if round is not None else None,
        )


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cooperation_notifications"
    )
    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=15, choices=NotificationKind.choices)
    title = models.CharField(_("titre"), max_length=300)
    url = models.CharField(_("lien"), max_length=300)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="cooperation_notif_unread")]

    def __str__(self):
        return self.title
