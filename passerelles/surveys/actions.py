"""The one door of the yearly survey (docs/decisions.md §15, §32): every write to a campaign,
an invitation or an answer is here. An answer also writes what belongs to the organisation (its
countries of action, its size) through the organisations' own door, so the organisation's
history shows the change with its source: "Enquête annuelle 2026".

E-mails are queued after the commit (core.mail) and sent by the task runner; invitations and
reminders go out in batches of `BATCH` from surveys.tasks, each batch in its own transaction, so
a campaign of several thousand organisations never holds a request, and a worker that dies half
way resumes where it stopped (an organisation invited or reminded is never written to twice)."""

import datetime
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from passerelles.actors import actions as org_actions
from passerelles.actors.enums import Size
from passerelles.actors.models import Organisation
from passerelles.core import door, jobs
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.mail import send_on_commit
from passerelles.core.mail_limits import Policy
from passerelles.surveys.models import Answer, Campaign, Invitation

BATCH = 200
# A campaign is staff's act, one message per organisation and at most one reminder per
# `reminder_days`: neither the per-address limit (several organisations often share a
# federation's or a town hall's address, each with its own link) nor a client budget applies.
CAMPAIGN_MAIL = Policy(per_address=False, per_client=False)
ANSWER_FIELDS = (
    "respondent",
    "staff",
    "volunteers",
    "si_budget",
    "beneficiaries",
    "other_partners",
    "other_projects",
    "comment",
)


class ActionError(Exception):
    """An action that cannot be taken as asked; its message is for the person, in French."""


@contextmanager
def _action():
    with transaction.atomic(), door.inside():
        yield


def link_days() -> int:
    return int(getattr(settings, "PASSERELLES_SURVEY_LINK_DAYS", 60))


def site_url() -> str:
    return (getattr(settings, "PASSERELLES_SITE_URL", "") or "http://localhost:8000").rstrip("/")


def eligible_organisations():
    """Who is invited: the published organisations here (the network's members are in its
    region; partners abroad answer through their partners' projects) with a contact address."""
    return Organisation.objects.published().here().exclude(email="")


# -- campaigns -------------------------------------------------------------------------------


def open_campaign(*, year: int, deadline: datetime.date, reminder_days: int = 7, by=None):
    """A campaign for `year`, and the job that invites every eligible organisation."""
    from passerelles.surveys import tasks

    with _action():
        if Campaign.objects.filter(year=year).exists():
            raise ActionError(_("Une enquête existe déjà pour l'année %(year)s.") % {"year": year})
        campaign = Campaign.objects.create(
            year=year, deadline=deadline, reminder_days=reminder_days, opened_by=by
        )
        jobs.enqueue(tasks.send_invitations, campaign.pk)
    return campaign


def invite_newcomers(campaign: Campaign) -> None:
    """Invite the organisations published since the campaign opened (those invited already are
    skipped by the task)."""
    from passerelles.surveys import tasks

    if not campaign.is_open:
        raise ActionError(_("Cette enquête est close."))
    with _action():
        jobs.enqueue(tasks.send_invitations, campaign.pk)


def close_campaign(campaign: Campaign) -> Campaign:
    with _action():
        if campaign.closed_at is None:
            campaign.closed_at = timezone.now()
            campaign.save(update_fields=["closed_at"])
    return campaign


def reopen_campaign(campaign: Campaign, *, deadline: datetime.date) -> Campaign:
    """Staff may reopen a closed campaign with a later deadline (late answers are common)."""
    if deadline < timezone.localdate():
        raise ActionError(_("La nouvelle date limite doit être aujourd'hui ou plus tard."))
    with _action():
        campaign.closed_at = None
        campaign.deadline = deadline
        campaign.save(update_fields=["closed_at", "deadline"])
    return campaign


# -- invitations and reminders ----------------------------------------------------------------


def _mail_context(invitation: Invitation, organisation: Organisation) -> dict:
    campaign = invitation.campaign
    return {
        "organisation": organisation.name,
        "year": campaign.year,
        "deadline": campaign.deadline,
        "expires": timezone.localtime(invitation.expires_at).date(),
        "url": site_url() + reverse("surveys:answer", kwargs={"token": invitation.token}),
        "network_name": getattr(settings, "PASSERELLES_NETWORK_NAME", "réseau"),
    }


def invite_batch(campaign: Campaign, limit: int = BATCH) -> int:
    """Invite up to `limit` eligible organisations not invited yet; returns how many."""
    now = timezone.now()
    with _action():
        orgs = list(
            eligible_organisations()
            .exclude(survey_invitations__campaign=campaign)
            .order_by("pk")[:limit]
        )
        invitations = [
            Invitation(
                campaign=campaign,
                organisation=org,
                email=org.email,
                language=settings.LANGUAGE_CODE,
                sent_at=now,
                expires_at=now + datetime.timedelta(days=link_days()),
            )
            for org in orgs
        ]
        Invitation.objects.bulk_create(invitations)
        for invitation, org in zip(invitations, orgs, strict=True):
            invitation.campaign = campaign
            send_on_commit(
                invitation.email,
                "surveys/email/invitation",
                _mail_context(invitation, org),
                invitation.language,
                policy=CAMPAIGN_MAIL,
            )
    return len(orgs)


def remind_batch(campaign: Campaign, limit: int = BATCH, now=None) -> int:
    """Remind up to `limit` non-respondents due for it (Invitation.due_for_reminder); the link
    is valid `link_days()` again from now. Returns how many."""
    now = now or timezone.now()
    if not campaign.is_open:
        return 0
    with _action():
        due = list(
            Invitation.objects.due_for_reminder(campaign, now)
            .select_related("organisation")
            .select_for_update(of=("self",))
            .order_by("pk")[:limit]
        )
        for invitation in due:
            invitation.reminded_at = now
            invitation.reminders += 1
            invitation.expires_at = max(
                invitation.expires_at, now + datetime.timedelta(days=link_days())
            )
            send_on_commit(
                invitation.email,
                "surveys/email/reminder",
                _mail_context(invitation, invitation.organisation),
                invitation.language,
                policy=CAMPAIGN_MAIL,
            )
        Invitation.objects.bulk_update(due, ["reminded_at", "reminders", "expires_at"])
    return len(due)


def send_reminders(campaign: Campaign) -> int:
    """Queue the reminders' job; returns how many are due now (what the page says)."""
    from passerelles.surveys import tasks

    if not campaign.is_open:
        raise ActionError(_("Cette enquête est close : plus de relance possible."))
    count = Invitation.objects.due_for_reminder(campaign).count()
    if count:
        with _action():
            jobs.enqueue(tasks.send_reminders, campaign.pk, timezone.now().isoformat())
    return count


# -- answers ----------------------------------------------------------------------------------


def size_for(staff: int | None) -> str | None:
    """The organisation's size band (actors.enums.Size) for a number of employees."""
    if staff is None:
        return None
    if staff == 0:
        return Size.NONE
    if staff < 10:
        return Size.SMALL
    if staff < 50:
        return Size.MEDIUM
    return Size.LARGE


def survey_origin(campaign: Campaign) -> Origin:
    # The history is written in the site's language, whoever answers (core.history).
    with translation.override(settings.LANGUAGE_CODE):
        comment = _("Enquête annuelle %(year)s : réponse par le lien personnel") % {
            "year": campaign.year
        }
    return Origin(None, ChangeSource.SURVEY, comment)


def record_answer(
    invitation: Invitation,
    data: Mapping,
    *,
    projects: Iterable = (),
    countries: Iterable = (),
    partners: Iterable[str] = (),
) -> Answer:
    """Save the answer (a second one replaces the first: the link stays usable until the
    deadline) and write to the organisation, through its door, what is its own: the countries
    it acts in and its size from the number of employees. Nothing is written when nothing
    changes."""
    campaign = invitation.campaign
    if not campaign.is_open:
        raise ActionError(_("Cette enquête est close : les réponses ne sont plus enregistrées."))
    now = timezone.now()
    countries = sorted({getattr(c, "pk", c) for c in countries})
    with _action():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        answer = Answer.objects.filter(invitation=invitation).first() or Answer(
            invitation=invitation, created_at=now
        )
        for name in ANSWER_FIELDS:
            if name in data:
                setattr(answer, name, data[name] if data[name] is not None else _blank(name))
        answer.countries = countries
        answer.partners = sorted(set(partners), key=str.casefold)
        answer.updated_at = now
        answer.save()
        answer.projects.set(projects)
        if invitation.answered_at is None:
            invitation.answered_at = now
            invitation.save(update_fields=["answered_at"])

        organisation = Organisation.objects.get(pk=invitation.organisation_id)
        changes = {}
        current = set(organisation.countries_of_action.values_list("pk", flat=True))
        if set(countries) != current:
            changes["countries_of_action"] = countries
        size = size_for(data.get("staff"))
        if size and size != organisation.size:
            changes["size"] = size
        if changes:
            org_actions.update_organisation(organisation, changes, origin=survey_origin(campaign))
    return answer


def _blank(name: str):
    return "" if name in ("respondent", "other_partners", "other_projects", "comment") else None


# -- merges -----------------------------------------------------------------------------------


def move_invitations(duplicate: Organisation, target: Organisation) -> None:
    """A merged duplicate's invitations pass to the kept record. Where both were invited to the
    same campaign, the invitation that was answered wins (the kept one if both or neither)."""
    with _action():
        kept = {i.campaign_id: i for i in Invitation.objects.filter(organisation=target)}
        for invitation in Invitation.objects.filter(organisation=duplicate):
            twin = kept.get(invitation.campaign_id)
            if twin is not None:
                if twin.answered_at is not None or invitation.answered_at is None:
                    invitation.delete()
                    continue
                twin.delete()
            invitation.organisation = target
            invitation.save(update_fields=["organisation"])
