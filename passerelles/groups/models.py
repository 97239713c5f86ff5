"""Working groups (docs/decisions.md §37): a group per country, theme or free subject, its
members (people, each with the organisation they come for, here or abroad), its meetings (an
`events.Event` each, with a shared notes page), its news thread and the e-mail digests of it.

`Delivery` is the digests' bookkeeping: one row per post and member it was sent to, unique, so
the digest command can run any number of times and nobody gets the same post twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.core.door import GuardedQuerySet
from passerelles.core.richtext import TextFields
from passerelles.core.text_limits import RICH_TEXT, SHORT_TEXT, TEXT
from passerelles.groups.enums import (
    DigestFrequency,
    GroupKind,
    GroupRole,
    RequestStatus,
    Visibility,
)


class WorkingGroupQuerySet(GuardedQuerySet, models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)

    def visible_to(self, user):
        """Public groups for everyone; members-only groups too for signed-in people (they may
        ask to join them; their content stays their members', see perms)."""
        if user.is_authenticated and user.is_active:
            return self.all()
        return self.public()

    def for_country(self, code: str):
        return self.filter(country_id=code.upper())

    def for_theme(self, slug: str):
        return self.filter(theme__slug=slug)


class WorkingGroup(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=140, unique=True)
    kind = models.CharField(_("type"), max_length=10, choices=GroupKind.choices)
    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("pays"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    theme = models.ForeignKey(
        "vocab.Theme",
        verbose_name=_("thème"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibilité"), max_length=15, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    summary = models.CharField(_("résumé en une phrase"), max_length=300, blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=RICH_TEXT)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = WorkingGroupQuerySet.as_manager()
    text_fields = TextFields(plain=("name", "summary"), rich=("description",))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        constraints = [
            # A country group names its country, a theme group its theme.
            models.CheckConstraint(
                condition=~Q(kind=GroupKind.COUNTRY) | Q(country__isnull=False),
                name="%(app_label)s_%(class)s_country_group_has_country",
            ),
            models.CheckConstraint(
                condition=~Q(kind=GroupKind.THEME) | Q(theme__isnull=False),
                name="%(app_label)s_%(class)s_theme_group_has_theme",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class MembershipQuerySet(GuardedQuerySet, models.QuerySet):
    def coordinators(self):
        return self.filter(role=GroupRole.COORDINATOR)

    def subscribed(self):
        return self.exclude(digest=DigestFrequency.NONE).filter(user__is_active=True)


class Membership(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.CharField(
        _("rôle"), max_length=15, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    digest = models.CharField(
        _("nouvelles par e-mail"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
    )
    joined_at = models.DateTimeField(_("membre depuis"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "pk"]
        verbose_name = _("membre du groupe")
        verbose_name_plural = _("membres du groupe")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], name="%(app_label)s_%(class)s_once_per_group"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.group}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == GroupRole.COORDINATOR


class JoinRequestQuerySet(GuardedQuerySet, models.QuerySet):
    def pending(self):
        return self.filter(status=RequestStatus.PENDING)


class JoinRequest(models.Model):
    """A person asks to join a members-only group; a coordinator accepts or refuses."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_requests"
    )
    organisation = models.ForeignKey(
        "actors.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(
        _("message aux coordinateur·rices"), blank=True, max_length=SHORT_TEXT
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.group}"


class GroupMeetingQuerySet(GuardedQuerySet, models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(event__ends_at__gte=now or timezone.now())


class GroupMeeting(models.Model):
    """A meeting of the group: an event (dates, place, iCal) and its shared notes."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings")
    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="group_meeting"
    )
    notes = models.TextField(_("notes partagées"), blank=True, max_length=RICH_TEXT)
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    notes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GroupMeetingQuerySet.as_manager()
    text_fields = TextFields(rich=("notes",))

    class Meta:
        ordering = ["event__starts_at", "pk"]

    def __str__(self):
        return str(self.event)

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:meeting", kwargs={"slug": self.group.slug, "pk": self.pk})


class PostQuerySet(GuardedQuerySet, models.QuerySet):
    def shown(self):
        return self.filter(removed_at__isnull=True)


class Post(models.Model):
    """A message in the group's news thread (plain text)."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=TEXT)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PostQuerySet.as_manager()
    text_fields = TextFields(lines=("body",))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "created_at"], name="groups_post_group_created")]

    def __str__(self):
        return self.body[:60]

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        super().save(*args, **kwargs)


class DeliveryQuerySet(GuardedQuerySet, models.QuerySet):
    pass


class Delivery(models.Model):
    """A post sent to a member by e-mail: never twice."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "post"], name="%(app_label)s_%(class)s_once"
            )
        ]

    def __str__(self):
        return f"{self.post_id} → {self.membership_id}"
