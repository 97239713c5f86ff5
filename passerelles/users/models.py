"""People: an e-mail-identified user with a network role, acting for organisations."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from passerelles.users.enums import MembershipRole, NetworkRole


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
