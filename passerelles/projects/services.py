"""Workflows touching several models: saving a project with its participants, places and
funding (one transaction, one history record, one reindex), and naming an organisation missing
from the directory (a pending organisation with its moderation proposal, and an invitation)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from passerelles.actors import actions as organisation_actions
from passerelles.actors.enums import Status
from passerelles.actors.models import ChangeAction, Organisation
from passerelles.core.history import ChangeSource, Origin
from passerelles.core.mail import send_on_commit
from passerelles.projects.history import record_change, snapshot
from passerelles.projects.models import Participation, Project
from passerelles.projects.search import index_projects

ORGANISATION_SOURCE = "project"


def _send_invitation(to: str, organisation: Organisation, project: Project, user, base_url: str):
    if not to:
        return
    context = {
        "organisation": organisation,
        "project": project,
        "inviter": (user.full_name or user.email) if user and user.is_authenticated else "",
        "network_name": settings.PASSERELLES_NETWORK_NAME,
        "correct_url": base_url + reverse("actors:correct", kwargs={"slug": organisation.slug}),
        "project_url": base_url + project.get_absolute_url(),
    }
    # In French, the network's language: the person invited has no account to tell us theirs.
    # After the commit: only once the organisation really exists.
    send_on_commit(to, "projects/email/invitation", context, "fr")


def add_pending_organisation(data: dict, project: Project, user, base_url: str = ""):
    """Create the organisation a participant named (`data` from NewOrganisationForm) as a
    pending organisation, with the same creation proposal as the public "propose an
    organisation" form, so it waits in the moderation queue; link it to the project; invite its
    contact when an address was given. Returns (organisation, locality_found)."""
    country = data["country"]
    fields = {
        "name": data["name"],
        "family": data["family"],
        "country": country,
        "is_si": True,
        "source": ORGANISATION_SOURCE,
    }
    if country.code == "FR":
        fields["commune"] = data["commune_obj"]
    else:
        fields["locality"] = data["locality"]
    comment = _("Nommée dans le projet « %(title)s »") % {"title": project.title}
    message = comment
    if data.get("invite_email"):
        message += ". " + _("Invitation à compléter la fiche envoyée à %(email)s.") % {
            "email": data["invite_email"]
        }
    org = organisation_actions.create_organisation(
        fields,
        origin=Origin(user, ChangeSource.WEB, comment),
        status=Status.PENDING,
        message=message,
    )
    found = not org.geocoding_failed
    Participation.objects.create(project=project, organisation=org, role=data["role"])
    _send_invitation(data.get("invite_email", ""), org, project, user, base_url)
    return org, found


@transaction.atomic
def save_project(editor, user, base_url: str = "") -> Project:
    """Save a valid ProjectEditor: the project, its participants (chosen or new), places and
    funding lines, then one history record and one reindex."""
    project = editor.form.instance
    is_new = project.pk is None
    before = {} if is_new else snapshot(Project.objects.get(pk=project.pk))
    project = editor.form.save(commit=False)
    if is_new:
        project.created_by = user if user.is_authenticated else None
        project.source = project.source or "user"
    project.save()
    editor.form.save_m2m()
    for formset in editor.formsets:
        formset.instance = project
        formset.save()
    editor.not_found = [f.instance for f in editor.there.forms if getattr(f, "not_found", False)]
    editor.new_organisations = []
    for data in editor.new_orgs.kept():
        org, found = add_pending_organisation(data, project, user, base_url)
        editor.new_organisations.append(org)
        if not found:
            editor.organisations_not_found.append(org)
    record_change(
        project,
        before,
        user=user,
        action=ChangeAction.CREATED if is_new else ChangeAction.UPDATED,
    )
    index_projects([project.pk])
    return project
