"""The purpose first: statements rated by members, versions of the purpose with amendments
and comments, consent rounds and their answers."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.cooperation.enums import AmendmentStatus, Answer, RoundStatus, Side, Vote
from passerelles.core.text_limits import TEXT


class Statement(models.Model):
    """A short sentence any member may write; every member rates it."""

    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(_("énoncé"), max_length=280)
    member = models.ForeignKey(
        "cooperation.SpaceMember",
        verbose_name=_("proposé par"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)

    class Meta:
        ordering = ["space", "created_at", "pk"]
        verbose_name = _("énoncé")
        verbose_name_plural = _("énoncés")

    def __str__(self):
        return self.text

    def tally(self, colleges, members_by_id) -> "StatementTally":
        """Votes per college; `colleges` are those with voting members, `members_by_id` maps
        voting members' ids to members."""
        result = StatementTally(statement=self)
        per = {c.pk: {"college": c, "agree": 0, "disagree": 0, "pass": 0} for c in colleges}
        for vote in self.votes.all():
            member = members_by_id.get(vote.member_id)
            if member is None or member.college_id not in per:
                continue  # an observer's or a former member's vote does not count
            per[member.college_id][vote.vote] += 1
        result.colleges = list(per.values())
        return result


@dataclass
class StatementTally:
    """A statement is shared when, in every college that has voting members, a majority of
    the votes cast agree; colleges diverge when one college's majority agrees and another's
    majority disagrees."""

    statement: Statement
    colleges: list[dict] = field(default_factory=list)

    @staticmethod
    def _cast(row):
        return row["agree"] + row["disagree"] + row["pass"]

    @property
    def shared(self) -> bool:
        # A college that has not voted yet has no majority: the statement is not shared yet.
        return bool(self.colleges) and all(2 * r["agree"] > self._cast(r) for r in self.colleges)

    @property
    def diverges(self) -> bool:
        agree = any(2 * r["agree"] > self._cast(r) for r in self.colleges)
        disagree = any(2 * r["disagree"] > self._cast(r) for r in self.colleges)
        return agree and disagree


class StatementVote(models.Model):
    """A rating by a member organisation; it may change its mind (the vote is updated: a
    rating is an opinion poll, not a decision, so only decisions keep every answer)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        "cooperation.SpaceMember", on_delete=models.CASCADE, related_name="statement_votes"
    )
    vote = models.CharField(_("avis"), max_length=10, choices=Vote.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("le"), auto_now=True)

    class Meta:
        verbose_name = _("avis sur un énoncé")
        verbose_name_plural = _("avis sur les énoncés")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "member"], name="%(app_label)s_%(class)s_one_per_member"
            )
        ]

    def __str__(self):
        return f"{self.member} : {self.get_vote_display()}"


class PurposeVersion(models.Model):
    """A version of the shared purpose (raison d'être). Versions are never edited: a change
    is a new version whose parent is the one it changes."""

    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("numéro"))
    text = models.TextField(_("raison d'être"), max_length=TEXT)
    objectives = models.JSONField(_("objectifs"), default=list)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("version précédente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    note = models.CharField(_("ce qui change"), max_length=300, blank=True)
    member = models.ForeignKey(
        "cooperation.SpaceMember",
        verbose_name=_("au nom de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("écrite le"), default=timezone.now)

    class Meta:
        ordering = ["space", "number"]
        verbose_name = _("version de la raison d'être")
        verbose_name_plural = _("versions de la raison d'être")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="%(app_label)s_%(class)s_text_required"
            ),
        ]

    def __str__(self):
        return _("Version %(n)s") % {"n": self.number}

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("force_rewrite", False):
            raise ValidationError(
                _("Une version n'est jamais modifiée : proposez-en une nouvelle.")
            )
        if not self.number:
            last = PurposeVersion.objects.filter(space_id=self.space_id).aggregate(n=Max("number"))
            self.number = (last["n"] or 0) + 1
        super().save(*args, **kwargs)


class Amendment(models.Model):
    """A change any member proposes to a version; accepted, it becomes a new version."""

    version = models.ForeignKey(PurposeVersion, on_delete=models.CASCADE, related_name="amendments")
    member = models.ForeignKey(
        "cooperation.SpaceMember",
        verbose_name=_("proposé par"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("texte proposé"), max_length=TEXT)
    objectives = models.JSONField(_("objectifs proposés"), default=list)
    rationale = models.CharField(_("pourquoi"), max_length=500, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.PROPOSED,
    )
    result = models.ForeignKey(
        PurposeVersion,
        verbose_name=_("version issue"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposé le"), default=timezone.now)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    class Meta:
        ordering = ["version", "created_at", "pk"]
        verbose_name = _("amendement")
        verbose_name_plural = _("amendements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AmendmentStatus.ACCEPTED) | Q(result__isnull=False),
                name="%(app_label)s_%(class)s_accepted_has_result",
            ),
        ]

    def __str__(self):
        return _("Amendement de %(member)s") % {"member": self.member}


class Comment(models.Model):
    version = models.ForeignKey(PurposeVersion, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(
        "cooperation.SpaceMember", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("commentaire"), max_length=2000)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["version", "created_at", "pk"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")

    def __str__(self):
        return self.text[:60]


class ConsentRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RoundStatus.OPEN)

    def closed(self):
        """Rounds that ended in a decision (a cancelled round decided nothing)."""
        return self.filter(status__in=[RoundStatus.PASSED, RoundStatus.FAILED])


class ConsentRound(models.Model):
    space = models.ForeignKey(
        "cooperation.CooperationSpace", on_delete=models.CASCADE, related_name="rounds"
    )
    version = models.ForeignKey(PurposeVersion, on_delete=models.CASCADE, related_name="rounds")
    status = models.CharField(
        _("statut"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    closes_on = models.DateField(_("réponses attendues avant le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("motif de la clôture"), max_length=300, blank=True)

    objects = ConsentRoundQuerySet.as_manager()

    class Meta:
        ordering = ["space", "-opened_at", "-pk"]
        verbose_name = _("tour de consentement")
        verbose_name_plural = _("tours de consentement")
        constraints = [
            # One open round at a time per space: answers always go to one clear question.
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(status=RoundStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open_per_space",
            ),
            models.CheckConstraint(
                condition=Q(status=RoundStatus.OPEN) | Q(closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_is_dated",
            ),
        ]

    def __str__(self):
        return _("Tour sur la version %(n)s") % {"n": self.version.number}

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    def current_responses(self) -> dict[int, "Response"]:
        """The latest answer of each member (member id → response): a changed answer is a
        new row, and the newest row (highest id) is the one that counts."""
        latest = (
            self.responses.values("member_id")
            .annotate(last=Max("pk"))
            .values_list("last", flat=True)
        )
        rows = Response.objects.filter(pk__in=list(latest)).select_related(
            "member__organisation", "member__college"
        )
        return {r.member_id: r for r in rows}

    def tally(self) -> "RoundTally":
        from passerelles.cooperation.models.space import SpaceMember

        members = list(
            SpaceMember.objects.filter(space_id=self.space_id)
            .voting()
            .select_related("college", "organisation")
        )
        colleges = list(self.space.colleges.all())
        return RoundTally.compute(colleges, members, self.current_responses())


@dataclass
class RoundTally:
    """Where a round stands: per college, how many voting members answered against the
    quorum; the objections that stand (latest answer is an objection). Only voting members
    count: an answer from an organisation that left or became an observer is kept in the log
    but no longer weighs."""

    colleges: list[dict]
    objections: list
    answers: dict

    @classmethod
    def compute(cls, colleges, members, responses) -> "RoundTally":
        rows = []
        for college in colleges:
            in_college = [m for m in members if m.college_id == college.pk]
            answered = [m for m in in_college if m.pk in responses]
            needed = college.quorum_needed(len(in_college))
            rows.append(
                {
                    "college": college,
                    "members": len(in_college),
                    "answered": len(answered),
                    "needed": needed,
                    "reached": len(answered) >= needed,
                }
            )
        voting = {m.pk for m in members}
        objections = [
            r for mid, r in responses.items() if mid in voting and r.answer == Answer.OBJECTION
        ]
        answers = {mid: r for mid, r in responses.items() if mid in voting}
        return cls(colleges=rows, objections=objections, answers=answers)

    @property
    def quorum_reached(self) -> bool:
        return all(row["reached"] for row in self.colleges)

    @property
    def passes(self) -> bool:
        return self.quorum_reached and not self.objections

    def count(self, answer) -> int:
        return sum(r.answer == answer for r in self.answers.values())

    @property
    def there_took_part(self) -> bool:
        return any(r.member.side == Side.THERE for r in self.answers.values())


class Response(models.Model):
    """An answer of a member organisation in a round. Never updated: changing one's answer
    (or withdrawing an objection) adds a row; the latest row is the current answer."""

    round = models.ForeignKey(ConsentRound, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(
        "cooperation.SpaceMember", on_delete=models.CASCADE, related_name="responses"
    )
    answer = models.CharField(_("réponse"), max_length=12, choices=Answer.choices)
    reason = models.TextField(_("raison"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        indexes = [models.Index(fields=["round", "member"], name="cooperation_response_member")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(answer=Answer.OBJECTION) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_objection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_answer_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Une réponse n'est jamais modifiée : répondez à nouveau."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Une réponse ne peut pas être supprimée."))
