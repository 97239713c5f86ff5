"""Choices of the co-construction spaces, with their French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    """What an organisation does in a space. The lead runs the process (invites, opens and
    closes rounds, integrates amendments); members take part; observers only read."""

    LEAD = "lead", _("animation")
    MEMBER = "member", _("membre")
    OBSERVER = "observer", _("observateur")


class MemberStatus(models.TextChoices):
    INVITED = "invited", _("invitée")
    ACTIVE = "active", _("active")
    LEFT = "left", _("partie")


class Side(models.TextChoices):
    HERE = "here", _("ici")
    THERE = "there", _("là-bas")


class DecisionRule(models.TextChoices):
    CONSENT = "consent", _("consentement (aucune objection ne subsiste)")


class QuorumKind(models.TextChoices):
    SHARE = "share", _("part des membres du collège (%)")
    COUNT = "count", _("nombre de membres du collège")


class Vote(models.TextChoices):
    AGREE = "agree", _("d'accord")
    DISAGREE = "disagree", _("pas d'accord")
    PASS = "pass", _("je passe")


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposé")
    ACCEPTED = "accepted", _("intégré")
    REJECTED = "rejected", _("écarté")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("ouvert")
    PASSED = "passed", _("adopté")
    FAILED = "failed", _("non adopté")
    CANCELLED = "cancelled", _("annulé")


class Answer(models.TextChoices):
    """Answers to a consent round, named as in docs/cooperation.md. An abstention (standing
    aside) was stored as "stand_aside" until migration 0005; the API still accepts that word
    on input as a deprecated alias (DEPRECATED_ANSWERS)."""

    CONSENT = "consent", _("consentement")
    OBJECTION = "objection", _("objection")
    ABSTENTION = "abstention", _("abstention (je me tiens à l'écart)")
    WITHDRAWN = "withdrawn", _("objection retirée")


# Former answer values still understood on input, with the value they now mean.
DEPRECATED_ANSWERS = {"stand_aside": Answer.ABSTENTION}


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("prévue")
    RUNNING = "running", _("en cours")
    DONE = "done", _("réalisée")


class ContributionKind(models.TextChoices):
    MONEY = "money", _("argent")
    EXPERTISE = "expertise", _("expertise")
    TIME = "time", _("temps")
    TRAINING = "training", _("formation")
    HOSTING = "hosting", _("accueil")
    MATERIAL = "material", _("matériel")
    KNOWLEDGE = "knowledge", _("savoirs")


class Direction(models.TextChoices):
    HERE_TO_THERE = "here_to_there", _("d'ici vers là-bas")
    THERE_TO_HERE = "there_to_here", _("de là-bas vers ici")
    SAME_SIDE = "same_side", _("du même côté")


class LogKind(models.TextChoices):
    SPACE_OPENED = "space_opened", _("espace ouvert")
    MEMBER_INVITED = "member_invited", _("organisation invitée")
    MEMBER_JOINED = "member_joined", _("organisation membre")
    MEMBER_LEFT = "member_left", _("organisation partie")
    GOVERNANCE = "governance", _("règles de gouvernance modifiées")
    VERSION = "version", _("nouvelle version de la raison d'être")
    AMENDMENT = "amendment", _("amendement proposé")
    AMENDMENT_ACCEPTED = "amendment_accepted", _("amendement intégré")
    AMENDMENT_REJECTED = "amendment_rejected", _("amendement écarté")
    ROUND_OPENED = "round_opened", _("tour de consentement ouvert")
    ANSWER = "answer", _("réponse au tour")
    ROUND_CLOSED = "round_closed", _("tour de consentement clos")
    ROUND_CANCELLED = "round_cancelled", _("tour de consentement annulé")
    ADOPTION = "adoption", _("raison d'être adoptée")
    ACTION = "action", _("action ajoutée")
    CONTRIBUTION = "contribution", _("contribution enregistrée")
    JOIN_REQUESTED = "join_requested", _("demande pour rejoindre l'espace")
    JOIN_DECIDED = "join_decided", _("demande pour rejoindre traitée")


class NotificationKind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("tour ouvert")
    ROUND_CLOSED = "round_closed", _("tour clos")
    OBJECTION = "objection", _("objection")
    ADOPTION = "adoption", _("adoption")
    INVITATION = "invitation", _("invitation")
    JOIN_REQUEST = "join_request", _("demande pour rejoindre")
    JOIN_ANSWER = "join_answer", _("réponse à une demande")


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("acceptée")
    REFUSED = "refused", _("refusée")
