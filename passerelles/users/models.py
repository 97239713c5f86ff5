"""People: an e-mail-identified user with a network role, acting for organisations."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.core.richtext import TextFields, plain_text
from passerelles.core.text_limits import SHORT_TEXT
from passerelles.users.enums import MembershipRequestStatus, MembershipRole, NetworkRole


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=NetworkRole.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        # Log-in is case-insensitive on the e-mail address.
        return self.get(email__iexact=email)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    role = models.CharField(
        _("rôle dans le réseau"),
        max_length=20,
        choices=NetworkRole.choices,
        default=NetworkRole.MEMBER,
    )
    preferred_language = models.CharField(
        _("langue préférée"),
        max_length=5,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_network_staff(self) -> bool:
        """Network staff and admins moderate the directory."""
        return self.is_active and (
            self.role in (NetworkRole.STAFF, NetworkRole.ADMIN) or self.is_superuser
        )

    def save(self, *args, **kwargs):
        # Staff and admins get the Django admin; the role is the single source of truth, so a
        # demoted staff member loses the admin too (superusers keep it: they are admins).
        self.is_staff = self.role in (NetworkRole.STAFF, NetworkRole.ADMIN) or self.is_superuser
        if self.role == NetworkRole.ADMIN:
            self.is_superuser = True
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        # Log-ins save last_login only: no need to look at groups then.
        if update_fields is None or "role" in update_fields:
            self._sync_staff_group()

    def _sync_staff_group(self):
        """Staff get their admin permissions through the "Équipe du réseau" group."""
        from passerelles.users.groups import STAFF_GROUP_NAME, staff_group

        if self.role == NetworkRole.STAFF:
            if not self.groups.filter(name=STAFF_GROUP_NAME).exists():
                self.groups.add(staff_group())
        else:
            self.groups.remove(*self.groups.filter(name=STAFF_GROUP_NAME))


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.ADMIN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="%(app_label)s_%(class)s_unique_user_org"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token: `Authorization: Bearer <key>` acts as its user, with exactly the
    user's rights. Only a SHA-256 digest of the key is stored; the key is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom du jeton"), max_length=80)
    prefix = models.CharField(_("début du jeton"), max_length=PREFIX_LENGTH)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Create a token for `user`; returns it and the clear key (never stored)."""
        import secrets

        key = "pas_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name[:80], prefix=key[: cls.PREFIX_LENGTH], digest=cls.hash(key)
        )
        return token, key

    @classmethod
    def authenticate(cls, key: str):
        """The active token for `key`, with its user, or None."""
        if not key or len(key) > 200:
            return None
        return (
            cls.objects.active()
            .select_related("user")
            .filter(digest=cls.hash(key), user__is_active=True)
            .first()
        )


class MembershipRequestError(Exception):
    """A decision that cannot be taken on a membership request; the message is in French."""


class MembershipRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=MembershipRequestStatus.PENDING)


class MembershipRequest(models.Model):
    """A person asks to act for an organisation; network staff grant it (with a role) or
    refuse it (with a reason sent to them). Decided requests are kept as a record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="membership_requests")
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="membership_requests"
    )
    message = models.TextField(_("votre fonction dans l'organisation"), max_length=1000, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=MembershipRequestStatus.choices,
        default=MembershipRequestStatus.PENDING,
    )
    role = models.CharField(
        _("rôle accordé"), max_length=20, choices=MembershipRole.choices, blank=True
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.TextField(_("motif du refus"), blank=True, max_length=SHORT_TEXT)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)

    objects = MembershipRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        constraints = [
            # Decided requests stay as a record, so only pending ones must be unique: a person
            # refused last year may ask again.
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status=MembershipRequestStatus.PENDING),
                name="%(app_label)s_%(class)s_one_pending_per_user_org",
            ),
            # The requester is always told why they were refused.
            models.CheckConstraint(
                condition=~models.Q(status=MembershipRequestStatus.REJECTED) | ~models.Q(reason=""),
                name="%(app_label)s_%(class)s_rejected_has_reason",
            ),
            # An approval always says which role it granted.
            models.CheckConstraint(
                condition=~models.Q(status=MembershipRequestStatus.APPROVED) | ~models.Q(role=""),
                name="%(app_label)s_%(class)s_approved_has_role",
            ),
        ]

    # The requester's message and staff's reason are plain text: read on a page, sent by e-mail.
    text_fields = TextFields(lines=("message", "reason"))

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.status == MembershipRequestStatus.PENDING

    def clean(self):
        if self.status == MembershipRequestStatus.REJECTED and not self.reason.strip():
            raise ValidationError(
                {"reason": _("Indiquez le motif du refus : il sera envoyé par e-mail.")}
            )

    def _lock(self) -> "MembershipRequest":
        """Re-read the row under a lock (PostgreSQL) so two staff deciding at once cannot
        both win; the in-memory instance is refreshed from it."""
        locked = type(self).objects.select_for_update().get(pk=self.pk)
        self.status, self.role, self.reason = locked.status, locked.role, locked.reason
        self.decided_by_id, self.decided_at = locked.decided_by_id, locked.decided_at
        return locked

    def already_decided_error(self) -> MembershipRequestError:
        return MembershipRequestError(
            _("Cette demande a déjà été traitée (%(status)s).")
            % {"status": self.get_status_display()}
        )

    def approve(self, by, role=MembershipRole.EDITOR) -> bool:
        """Grant `role` for the organisation: create the membership, or change its role if
        staff added the person meanwhile. Idempotent: approving an approved request changes
        nothing and returns False; True when this call made the decision."""
        if role not in MembershipRole.values:
            raise MembershipRequestError(_("Rôle inconnu."))
        with transaction.atomic():
            self._lock()
            if self.status == MembershipRequestStatus.APPROVED:
                return False
            if self.status != MembershipRequestStatus.PENDING:
                raise self.already_decided_error()
            Membership.objects.update_or_create(
                user_id=self.user_id, organisation_id=self.organisation_id, defaults={"role": role}
            )
            self.status, self.role = MembershipRequestStatus.APPROVED, role
            self.decided_by, self.decided_at = by, timezone.now()
            self.save(update_fields=["status", "role", "decided_by", "decided_at"])
        return True

    def reject(self, by, reason: str) -> None:
        """Refuse the request; the reason is required because it is sent to the requester."""
        reason = plain_text(reason, multiline=True)
        if not reason:
            raise MembershipRequestError(
                _("Indiquez le motif du refus : il sera envoyé par e-mail.")
            )
        with transaction.atomic():
            self._lock()
            if not self.is_pending:
                raise self.already_decided_error()
            self.status, self.reason = MembershipRequestStatus.REJECTED, reason
            self.decided_by, self.decided_at = by, timezone.now()
            self.save(update_fields=["status", "reason", "decided_by", "decided_at"])

    def withdraw(self) -> None:
        """The requester changes their mind; only a pending request can be withdrawn."""
        with transaction.atomic():
            self._lock()
            if not self.is_pending:
                raise self.already_decided_error()
            self.status, self.decided_at = MembershipRequestStatus.WITHDRAWN, timezone.now()
            self.save(update_fields=["status", "decided_at"])
