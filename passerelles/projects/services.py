"""Saving a project with the organisations its participants named on the spot: the pending
organisations go through the organisations' door (with their moderation proposal and an
invitation), then the project through its own (passerelles.projects.actions), in one
transaction. The editor and the API both call `save_project`."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from passerelles.actors import actions as organisation_actions
from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core.history import Origin
from passerelles.core.mail import send_on_commit
from passerelles.projects import actions
from passerelles.projects.models import Project

ORGANISATION_SOURCE = "project"


def _send_invitation(to: str, organisation: Organisation, project: Project, user, base_url: str):
    if not to:
        return None
    signed_in = user is not None and user.is_authenticated
    # The mail leaves in the network's name to an address anyone could type: it says who sent it
    # (name, address, the organisations they act for, as the directory knows them) and that the
    # organisation's name was typed by that person, so it cannot pass for the network's word.
    inviter_orgs = (
        list(
            Organisation.objects.filter(memberships__user=user, status=Status.PUBLISHED)
            .order_by("name")
            .values_list("name", flat=True)[:3]
        )
        if signed_in
        else []
    )
    context = {
        "organisation": organisation,
        "project": project,
        "inviter": (user.full_name or user.email) if signed_in else "",
        "inviter_email": user.email if signed_in else "",
        "inviter_organisations": ", ".join(inviter_orgs),
        "network_name": settings.PASSERELLES_NETWORK_NAME,
        "correct_url": base_url + reverse("actors:correct", kwargs={"slug": organisation.slug}),
        "project_url": base_url + project.get_absolute_url(),
    }
    # In French, the network's language: the person invited has no account to tell us theirs.
    # After the commit: only once the organisation really exists.
    return send_on_commit(to, "projects/email/invitation", context, "fr")


def add_pending_organisation(data: dict, title: str, origin: Origin) -> Organisation:
    """Create the organisation a participant named (`data` cleaned by
    validation.NewOrganisationRules) as a pending organisation, with the same creation
    proposal as the public "propose an organisation" form, so it waits in the moderation
    queue. `org.geocoding_failed` says whether its locality abroad was not found."""
    country = data["country"]
    fields = {
        "name": data["name"],
        "family": data["family"],
        "family_to_review": data.get("family_to_review", False),
        "country": country,
        "is_si": True,
        "source": ORGANISATION_SOURCE,
    }
    if country.code == "FR":
        fields["commune"] = data["commune_obj"]
    else:
        fields["locality"] = data["locality"]
    comment = _("Nommée dans le projet « %(title)s »") % {"title": title}
    message = comment
    if data.get("invite_email"):
        message += ". " + _("Invitation à compléter la fiche envoyée à %(email)s.") % {
            "email": data["invite_email"]
        }
    return organisation_actions.create_organisation(
        fields, origin=origin.saying(comment), status=Status.PENDING, message=message
    )


def save_project(
    project: Project | None,
    data: dict,
    new_organisations: list[dict],
    *,
    origin: Origin,
    base_url: str = "",
) -> tuple[Project, list[Organisation]]:
    """Create (`project` None) or update a project from validated `data`, after creating the
    organisations named on the spot and adding them as participants. Returns the project
    and the organisations created."""
    with transaction.atomic():
        created = []
        title = data.get("title") or (project.title if project else "")
        for named in new_organisations:
            created.append(add_pending_organisation(named, title, origin))
        if created:
            participations = data.get("participations")
            if participations is None:
                participations = [
                    {"organisation": p.organisation_id, "role": p.role, "note": p.note}
                    for p in project.participations.all()
                ]
            data = {
                **data,
                "participations": [
                    *participations,
                    *(
                        {"organisation": org, "role": named["role"], "note": ""}
                        for org, named in zip(created, new_organisations, strict=True)
                    ),
                ],
            }
        if project is None:
            project = actions.create_project(data, origin=origin)
        else:
            project = actions.update_project(project, data, origin=origin)
        for org, named in zip(created, new_organisations, strict=True):
            # The editor tells the person when the limits on outgoing mail held it back.
            org.invitation = _send_invitation(
                named.get("invite_email", ""), org, project, origin.user, base_url
            )
    return project, created
