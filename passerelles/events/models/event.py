"""Events, their sessions and the people registered to them."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from passerelles.core.richtext import TextFields
from passerelles.core.text_limits import RICH_TEXT, SHORT_TEXT, TEXT
from passerelles.events.enums import EventKind, RegistrationStatus


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        # "Upcoming" includes the event running today: it ends in the future.
        return self.filter(ends_at__gte=now or timezone.now())

    def visible_to(self, user):
        """Published events for everyone; drafts too for staff."""
        if user.is_authenticated and user.is_network_staff:
            return self.all()
        return self.published()

    def with_counts(self):
        confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
        waiting = Q(registrations__status=RegistrationStatus.WAITING)
        return self.annotate(
            confirmed_count=models.Count("registrations", filter=confirmed),
            waiting_count=models.Count("registrations", filter=waiting),
        )


class Event(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    summary = models.CharField(_("résumé en une phrase"), max_length=300, blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=RICH_TEXT)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(
        _("lieu"), max_length=200, help_text=_("Nom du lieu, ex. « Halle aux grains »")
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT
    )
    online_url = models.URLField(_("lien de visioconférence"), blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        help_text=_("Vide : sans limite. Au-delà, les inscriptions vont en liste d'attente."),
    )
    registration_opens_at = models.DateTimeField(
        _("ouverture des inscriptions"), null=True, blank=True
    )
    registration_closes_at = models.DateTimeField(
        _("clôture des inscriptions"), null=True, blank=True
    )
    is_published = models.BooleanField(_("publié"), default=False)
    meetings_enabled = models.BooleanField(_("rencontres one-to-one"), default=False)
    max_meetings = models.PositiveSmallIntegerField(_("rencontres au plus par personne"), default=6)
    source = models.CharField(_("source"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        indexes = [models.Index(fields=["is_published", "ends_at"], name="events_event_pub_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="%(app_label)s_%(class)s_registration_window",
            ),
            models.CheckConstraint(
                condition=Q(max_meetings__gte=1),
                name="%(app_label)s_%(class)s_max_meetings_positive",
            ),
        ]

    # Names and the one-sentence summary are plain; the presentation is rich text (edited as
    # Markdown, stored sanitised). docs/decisions.md, "One text layer".
    text_fields = TextFields(plain=("title", "summary", "place", "address"), rich=("description",))

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        if not self.slug:
            base = slugify(self.title)[:200] or "evenement"
            slug, n = base, 2
            while Event.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("La fin doit être après le début.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("La clôture doit suivre l'ouverture.")
        if errors:
            raise ValidationError(errors)

    @property
    def place_label(self) -> str:
        parts = [self.place, self.address]
        if self.commune_id:
            parts.append(self.commune.name)
        return ", ".join(p for p in parts if p)

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.is_published or now >= self.ends_at:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)

    def confirmed_registrations_count(self) -> int:
        return self.registrations.filter(status=RegistrationStatus.CONFIRMED).count()

    def places_left(self) -> int | None:
        """None when the event has no capacity limit."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_registrations_count())


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=TEXT)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    room = models.CharField(_("salle"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "title"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]

    # A session's description is a line or two under its title: plain text.
    text_fields = TextFields(plain=("title", "room"), lines=("description",))

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        super().save(*args, **kwargs)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fin doit être après le début.")})


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        # First come, first served: the waiting list is in order of registration.
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def search(self, text: str):
        """Check-in search: any word of the name, e-mail or organisation."""
        qs = self
        for word in text.split()[:5]:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(email__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(organisation__acronym__icontains=word)
                | Q(organisation_name__icontains=word)
            )
        return qs


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("nom et prénom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    # Acting for an organisation of the directory, or for one outside it (free text), or as a
    # citizen (both empty).
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organisation_name = models.CharField(
        _("organisation (hors annuaire)"), max_length=200, blank=True
    )
    accessibility_needs = models.TextField(
        _("besoins d'accessibilité"),
        blank=True,
        max_length=SHORT_TEXT,
        help_text=_("Mobilité, audition, vue, alimentation, interprétariat… Reste confidentiel."),
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    sessions = models.ManyToManyField(
        Session, verbose_name=_("sessions"), blank=True, related_name="registrations"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now, editable=False)
    promoted_at = models.DateTimeField(_("sortie de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("arrivée le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        indexes = [models.Index(fields=["event", "status"], name="events_reg_event_status")]
        constraints = [
            # One live registration per person and event; a cancelled one may be renewed.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="%(app_label)s_%(class)s_unique_active_email",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status=RegistrationStatus.CONFIRMED),
                name="%(app_label)s_%(class)s_checked_in_is_confirmed",
            ),
        ]

    def __str__(self):
        return f"{self.name} — {self.event}"

    text_fields = TextFields(plain=("name", "organisation_name"), lines=("accessibility_needs",))

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_manage_url(self):
        return reverse("events:manage", kwargs={"token": self.token})

    @property
    def organisation_label(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.organisation_name

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    def waiting_position(self) -> int | None:
        if self.status != RegistrationStatus.WAITING:
            return None
        ahead = (
            Registration.objects.filter(event_id=self.event_id, status=RegistrationStatus.WAITING)
            .filter(
                Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
            )
            .count()
        )
        return ahead + 1
