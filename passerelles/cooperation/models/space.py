"""A co-construction space, its colleges and its member organisations (DESIGN §3)."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Status
from passerelles.cooperation.enums import (
    DecisionRule,
    MemberRole,
    MemberStatus,
    QuorumKind,
    Side,
)


class CollegeTemplate(models.Model):
    """An editable vocabulary of colleges a space starts from (staff edit it in the admin)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    required_by_default = models.BooleanField(_("requis par défaut"), default=False)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("modèle de collège")
        verbose_name_plural = _("modèles de collèges")

    def __str__(self):
        return self.name


class CooperationSpaceQuerySet(models.QuerySet):
    def listed(self):
        """Spaces shown on the public page: listed, and whose project is public."""
        return self.filter(listed=True, project__status=Status.PUBLISHED)

    def involving_user(self, user):
        """Spaces where the user acts for a member organisation (invited or active)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            members__organisation__memberships__user=user,
            members__status__in=[MemberStatus.INVITED, MemberStatus.ACTIVE],
        ).distinct()


class CooperationSpace(models.Model):
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("projet"),
        on_delete=models.CASCADE,
        related_name="cooperation_space",
    )
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Governance rules.
    min_there_percent = models.PositiveSmallIntegerField(
        _("part minimale de membres de là-bas (%)"),
        default=33,
        validators=[MaxValueValidator(100)],
        help_text=_("33 % : au moins un tiers des organisations membres viennent de là-bas."),
    )
    decision_rule = models.CharField(
        _("règle de décision"),
        max_length=20,
        choices=DecisionRule.choices,
        default=DecisionRule.CONSENT,
    )
    review_months = models.PositiveSmallIntegerField(
        _("révision de la raison d'être après (mois)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # What visitors see: the adopted purpose by default; members and figures if chosen.
    public_purpose = models.BooleanField(_("raison d'être adoptée publique"), default=True)
    public_members = models.BooleanField(_("membres publics"), default=False)
    public_indicators = models.BooleanField(_("indicateurs publics"), default=False)
    # The public list of spaces (name, countries, themes, number of members, never what is
    # said inside) and the "ask to join" button. On by default: a space is there to be found
    # by the organisations that could join it; its project's page is public already.
    listed = models.BooleanField(
        _("présenté sur la page publique des espaces"),
        default=True,
        help_text=_(
            "Nom, pays, thèmes et nombre de membres ; les organisations peuvent demander à "
            "rejoindre l'espace."
        ),
    )
    # The adopted purpose (set only by a passed consent round).
    adopted_version = models.ForeignKey(
        "cooperation.PurposeVersion",
        verbose_name=_("version adoptée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    adopted_at = models.DateTimeField(_("adoptée le"), null=True, blank=True, editable=False)
    review_date = models.DateField(_("à réviser le"), null=True, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=30, blank=True)

    objects = CooperationSpaceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("espace de co-construction")
        verbose_name_plural = _("espaces de co-construction")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_there_percent__lte=100),
                name="%(app_label)s_%(class)s_share_is_percent",
            ),
            models.CheckConstraint(
                condition=Q(adopted_version__isnull=True) | Q(adopted_at__isnull=False),
                name="%(app_label)s_%(class)s_adoption_dated",
            ),
        ]

    def __str__(self):
        return str(self.project)

    def get_absolute_url(self):
        return reverse("cooperation:space", kwargs={"slug": self.project.slug})

    @property
    def project_url(self) -> str:
        # The project pages belong to another app; an empty link beats a crash if absent.
        try:
            return self.project.get_absolute_url()
        except NoReverseMatch:
            return ""

    @property
    def actions_unlocked(self) -> bool:
        return self.adopted_version_id is not None

    def voting_members(self):
        """Active members that take part in decisions (observers only read)."""
        return self.members.filter(status=MemberStatus.ACTIVE).exclude(role=MemberRole.OBSERVER)

    def composition(self) -> "Composition":
        """Whether the active, voting membership meets the governance rules, and what is
        missing, in words."""
        members = list(self.voting_members().select_related("college"))
        colleges = list(self.colleges.all())
        return Composition.check(self, colleges, members)


@dataclass
class Composition:
    members: int
    there: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def there_percent(self) -> float:
        return 100 * self.there / self.members if self.members else 0.0

    @classmethod
    def check(cls, space, colleges, members) -> "Composition":
        there = sum(m.side == Side.THERE for m in members)
        result = cls(members=len(members), there=there)
        per_college = {c.pk: 0 for c in colleges}
        for m in members:
            per_college[m.college_id] = per_college.get(m.college_id, 0) + 1
        if not members:
            result.problems.append(gettext("Aucune organisation membre active pour l'instant."))
        for college in colleges:
            count = per_college.get(college.pk, 0)
            if college.required and count == 0:
                result.problems.append(
                    gettext("Le collège « %(college)s » est requis et n'a aucun membre actif.")
                    % {"college": college.name}
                )
            elif count and college.quorum_kind == QuorumKind.COUNT and count < college.quorum:
                result.problems.append(
                    ngettext(
                        "Le collège « %(college)s » compte %(count)s membre actif pour "
                        "un quorum de %(quorum)s.",
                        "Le collège « %(college)s » compte %(count)s membres actifs pour "
                        "un quorum de %(quorum)s.",
                        count,
                    )
                    % {"college": college.name, "count": count, "quorum": college.quorum}
                )
        # Integer arithmetic: 1 member of 3 is 33.3 % and meets a 33 % minimum.
        if members and there * 100 < space.min_there_percent * len(members):
            needed = math.ceil(space.min_there_percent * len(members) / 100)
            result.problems.append(
                gettext(
                    "Les organisations de là-bas sont %(there)s sur %(total)s ; il en faut au "
                    "moins %(needed)s (%(percent)s %%)."
                )
                % {
                    "there": there,
                    "total": len(members),
                    "needed": needed,
                    "percent": space.min_there_percent,
                }
            )
        return result


class College(models.Model):
    space = models.ForeignKey(CooperationSpace, on_delete=models.CASCADE, related_name="colleges")
    name = models.CharField(_("nom"), max_length=100)
    template = models.ForeignKey(
        CollegeTemplate,
        verbose_name=_("modèle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    required = models.BooleanField(_("doit être représenté"), default=False)
    quorum_kind = models.CharField(
        _("type de quorum"), max_length=10, choices=QuorumKind.choices, default=QuorumKind.SHARE
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        default=50,
        help_text=_("En % des membres du collège, ou en nombre de membres."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["space", "order", "pk"]
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
            models.CheckConstraint(
                condition=~Q(quorum_kind=QuorumKind.SHARE) | Q(quorum__lte=100),
                name="%(app_label)s_%(class)s_share_is_percent",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.quorum_kind == QuorumKind.SHARE and self.quorum > 100:
            raise ValidationError({"quorum": _("Une part ne peut dépasser 100 %.")})

    def quorum_needed(self, voting_members: int) -> int:
        """How many members of the college must answer a round. A share is rounded up (50 % of
        3 members is 2) and never below one answer when the college has members."""
        if voting_members == 0:
            return 0
        if self.quorum_kind == QuorumKind.COUNT:
            return self.quorum
        return max(1, math.ceil(self.quorum * voting_members / 100))

    @property
    def quorum_label(self) -> str:
        if self.quorum_kind == QuorumKind.COUNT:
            return ngettext("%(n)s réponse", "%(n)s réponses", self.quorum) % {"n": self.quorum}
        return gettext("%(n)s %% des membres") % {"n": self.quorum}


class SpaceMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MemberStatus.ACTIVE)

    def voting(self):
        return self.active().exclude(role=MemberRole.OBSERVER)

    def for_user(self, user):
        """Members the user acts for (through users.Membership)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user)


class SpaceMember(models.Model):
    space = models.ForeignKey(CooperationSpace, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="space_memberships",
    )
    college = models.ForeignKey(
        College, verbose_name=_("collège"), on_delete=models.CASCADE, related_name="members"
    )
    # Copied from the organisation so past decisions keep the side it had then.
    side = models.CharField(_("ici ou là-bas"), max_length=5, choices=Side.choices, editable=False)
    role = models.CharField(
        _("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invitée le"), default=timezone.now)
    joined_at = models.DateTimeField(_("membre depuis"), null=True, blank=True)

    objects = SpaceMemberQuerySet.as_manager()

    class Meta:
        ordering = ["space", "college__order", "organisation__name"]
        verbose_name = _("organisation membre")
        verbose_name_plural = _("organisations membres")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "organisation"], name="%(app_label)s_%(class)s_unique_org"
            ),
            models.CheckConstraint(
                condition=Q(side__in=[Side.HERE, Side.THERE]),
                name="%(app_label)s_%(class)s_side_valid",
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    def save(self, *args, **kwargs):
        if not self.side:
            self.side = Side.THERE if self.organisation.is_there else Side.HERE
        super().save(*args, **kwargs)

    def clean(self):
        if self.college_id and self.space_id and self.college.space_id != self.space_id:
            raise ValidationError({"college": _("Ce collège appartient à un autre espace.")})

    @property
    def is_there(self) -> bool:
        return self.side == Side.THERE

    @property
    def can_vote(self) -> bool:
        return self.status == MemberStatus.ACTIVE and self.role != MemberRole.OBSERVER
