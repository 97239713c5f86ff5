"""Who may do what with small-grant rounds. Plain functions, one rule each.

Visitors see open rounds and, once results are published, the winners. The members of the
applicant organisation and of its partner abroad see their application (never the jury's
scores); jurors see the applications of their round that were submitted; staff see everything."""

from django.utils.translation import gettext as _

from passerelles.grants.enums import Status


def is_staff(user) -> bool:
    """Network staff and admins run rounds: jurors, decisions, results."""
    return user.is_authenticated and user.is_network_staff


def _org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_grants_org_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("organisation_id", flat=True))
        user._grants_org_ids = cached
    return cached


def is_applicant(user, application) -> bool:
    """A member of the organisation that applies."""
    return application.organisation_id in _org_ids(user)


def is_partner(user, application) -> bool:
    """A member of the partner organisation abroad named in the application."""
    return application.partner_id is not None and application.partner_id in _org_ids(user)


def is_juror(user, grant_round) -> bool:
    return user.is_authenticated and grant_round.jurors.filter(pk=user.pk).exists()


def can_apply(user) -> bool:
    """A signed-in person who belongs to at least one organisation applies for it."""
    return user.is_authenticated and bool(_org_ids(user))


def can_edit(user, application) -> bool:
    """The applicant's members edit and submit their draft."""
    return application.status == Status.DRAFT and is_applicant(user, application)


def can_view(user, application) -> bool:
    """Staff; the applicant's and the partner's members; the round's jurors once submitted."""
    if is_staff(user) or is_applicant(user, application) or is_partner(user, application):
        return True
    return application.status != Status.DRAFT and is_juror(user, application.round)


def can_comment(user, application) -> bool:
    """The applicant's and the partner's members, and staff, discuss the application."""
    return is_staff(user) or is_applicant(user, application) or is_partner(user, application)


def can_see_scores(user, application) -> bool:
    """Scores are the jury's and staff's: never the applicant's or the partner's."""
    return is_staff(user) or (
        is_juror(user, application.round)
        and not is_applicant(user, application)
        and not is_partner(user, application)
    )


def scoring_refusal(user, application) -> str:
    """Why `user` may not score `application` ("" when they may)."""
    if not is_juror(user, application.round):
        return _("Vous n'êtes pas juré·e de cet appel.")
    if application.status == Status.DRAFT:
        return _("Cette candidature n'est pas déposée.")
    if application.round.is_decided:
        return _("Les résultats sont publiés : la notation est close.")
    if is_applicant(user, application) or is_partner(user, application):
        return _(
            "Vous êtes membre de l'organisation candidate ou de son partenaire : vous ne "
            "pouvez pas noter cette candidature."
        )
    if application.conflicts.filter(juror=user).exists():
        return _(
            "Vous avez déclaré un conflit d'intérêts : vous ne pouvez pas noter cette candidature."
        )
    return ""


def can_decide(user) -> bool:
    """Staff decide the amounts and publish the results."""
    return is_staff(user)


def can_open_rounds(user) -> bool:
    """Staff open the network's own rounds (budget, rules, grid, jury)."""
    return is_staff(user)
