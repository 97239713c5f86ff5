"""The one door of accompaniment case files (docs/decisions.md §5, §36): every write to a case,
its log, its documents and its links is here, each in one transaction, each recording who did
it. Views, the demo and the reminders command call these functions with validated plain data;
an `ActionError` carries a French sentence for the person."""

import datetime
import os
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from passerelles.accompaniment import documents
from passerelles.accompaniment.enums import CaseStatus, EntryKind, LinkKind
from passerelles.accompaniment.models import Case, CaseDocument, CaseEntry, CaseLink
from passerelles.core import door
from passerelles.core.mail import send_on_commit
from passerelles.core.mail_limits import Policy
from passerelles.core.richtext import sanitise_html

# Reminders are the person's own work list, one message per person and run: no limit applies
# (a busy staff member may have many steps due, and the per-address limit would drop some).
REMINDER_MAIL = Policy(per_address=False, per_client=False)
# A member's message tells the staff member in charge; limited per address like any notice.
MESSAGE_MAIL = Policy(per_client=False)


class ActionError(Exception):
    """An action that cannot be taken as asked; its message is for the person, in French."""


@contextmanager
def _action():
    with transaction.atomic(), door.inside():
        yield


def _touch(case: Case, *fields: str) -> None:
    case.updated_at = timezone.now()
    case.save(update_fields=[*fields, "updated_at"])


def _refuse_closed(case: Case) -> None:
    if case.is_closed:
        raise ActionError(_("Ce dossier est clos."))


def site_url() -> str:
    return (getattr(settings, "PASSERELLES_SITE_URL", "") or "http://localhost:8000").rstrip("/")


# -- cases -----------------------------------------------------------------------------------


def open_case(
    *,
    organisation,
    kind: str,
    by,
    in_charge=None,
    project=None,
    subject: str = "",
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    opened_on: datetime.date | None = None,
) -> Case:
    """A new case for `organisation`; the project, when given, must be one of its own.
    `opened_on` lets staff record a case begun before it was entered (a spreadsheet's)."""
    if (
        project is not None
        and not project.participations.filter(organisation=organisation).exists()
    ):
        raise ActionError(
            _("Le projet « %(project)s » n'est pas un projet de %(organisation)s.")
            % {"project": project.title, "organisation": organisation.name}
        )
    with _action():
        return Case.objects.create(
            organisation=organisation,
            project=project,
            kind=kind,
            subject=subject,
            in_charge=in_charge or by,
            next_step=next_step,
            next_step_due=next_step_due,
            next_step_set_by=by if next_step else None,
            opened_by=by,
            opened_on=opened_on or timezone.localdate(),
        )


def set_next_step(
    case: Case,
    *,
    text: str,
    due: datetime.date | None,
    by,
    status: str | None = None,
    in_charge=None,
) -> Case:
    """The next step and its date (and, when given, the status open/waiting and the person in
    charge). A new next step will be reminded again: the sent-marker is cleared."""
    _refuse_closed(case)
    if status == CaseStatus.CLOSED:
        raise ActionError(_("Pour clore un dossier, utilisez « Clore le dossier »."))
    with _action():
        fields = ["next_step", "next_step_due", "next_step_set_by", "next_step_reminded_on"]
        if (text, due) != (case.next_step, case.next_step_due):
            case.next_step_reminded_on = None
        case.next_step = text
        case.next_step_due = due
        case.next_step_set_by = by
        if status:
            case.status = status
            fields.append("status")
        if in_charge is not None:
            case.in_charge = in_charge
            fields.append("in_charge")
        _touch(case, *fields)
    return case


def close_case(case: Case, *, by, outcome: str = "") -> Case:
    _refuse_closed(case)
    with _action():
        case.status = CaseStatus.CLOSED
        case.closed_on = timezone.localdate()
        case.closed_by = by
        case.outcome = outcome
        _touch(case, "status", "closed_on", "closed_by", "outcome")
    return case


def reopen_case(case: Case, *, by) -> Case:
    if not case.is_closed:
        return case
    with _action():
        case.status = CaseStatus.OPEN
        case.closed_on = None
        case.closed_by = None
        _touch(case, "status", "closed_on", "closed_by")
    return case


# -- the log ----------------------------------------------------------------------------------


def log_entry(
    case: Case,
    *,
    kind: str,
    text: str,
    by,
    happened_on: datetime.date | None = None,
    shared: bool = False,
) -> CaseEntry:
    """A staff entry in the log: an appointment, a note or a message, private unless shared."""
    if not (text or "").strip():
        raise ActionError(_("Écrivez le texte de l'entrée."))
    with _action():
        entry = CaseEntry.objects.create(
            case=case,
            kind=kind,
            text=sanitise_html(text),
            author=by,
            happened_on=happened_on or timezone.localdate(),
            shared=shared,
        )
        _touch(case)
    return entry


def member_message(case: Case, *, text: str, by) -> CaseEntry:
    """A message from one of the organisation's members: always shared, and the person in
    charge is told by e-mail."""
    _refuse_closed(case)
    if not (text or "").strip():
        raise ActionError(_("Écrivez votre message."))
    with _action():
        entry = CaseEntry.objects.create(
            case=case,
            kind=EntryKind.MESSAGE,
            text=sanitise_html(text),
            author=by,
            shared=True,
            from_organisation=True,
        )
        _touch(case)
        staff = case.in_charge
        if staff is not None and staff.is_active:
            send_on_commit(
                staff.email,
                "accompaniment/email/message",
                {
                    "organisation": case.organisation.name,
                    "author": str(by),
                    "url": site_url() + case.get_absolute_url(),
                },
                language=staff.preferred_language,
                policy=MESSAGE_MAIL,
            )
    return entry


# -- documents and links ----------------------------------------------------------------------


def attach_document(case: Case, *, upload, by, shared: bool = False) -> CaseDocument:
    """Keep `upload` in the private storage, once its size and type (read from its content)
    are accepted; the stored name is random-free but carries the detected extension."""
    try:
        content_type, extension = documents.check(upload)
    except documents.DocumentRefused as refused:
        raise ActionError(str(refused)) from refused
    base = os.path.splitext(os.path.basename(upload.name or ""))[0][:150]
    name = f"{get_valid_filename(base) if base.strip() else 'document'}.{extension}"
    with _action():
        document = CaseDocument(
            case=case,
            name=name,
            content_type=content_type,
            size=upload.size,
            shared=shared,
            uploaded_by=by,
        )
        upload.seek(0)
        document.file.save(name, upload, save=False)
        document.save()
        _touch(case)
    return document


def share_document(document: CaseDocument, *, shared: bool, by) -> CaseDocument:
    with _action():
        document.shared = shared
        document.save(update_fields=["shared"])
    return document


def propose_link(case: Case, *, target, by, note: str = "", shared: bool = True) -> CaseLink:
    """Record a partner (an organisation), a funding call or a common issue proposed."""
    from passerelles.actors.models import Organisation
    from passerelles.bridges.models import FundingCall
    from passerelles.bridges.models.issues import CommonIssue

    if isinstance(target, Organisation):
        if target.pk == case.organisation_id:
            raise ActionError(_("Une organisation ne peut pas être sa propre partenaire."))
        values = {"kind": LinkKind.PARTNER, "organisation": target}
    elif isinstance(target, FundingCall):
        values = {"kind": LinkKind.CALL, "call": target}
    elif isinstance(target, CommonIssue):
        values = {"kind": LinkKind.ISSUE, "issue": target}
    else:
        raise ActionError(_("Choisissez une organisation, un appel à projets ou un enjeu."))
    with _action():
        link = CaseLink.objects.create(
            case=case, note=note, shared=shared, proposed_by=by, **values
        )
        _touch(case)
    return link


# -- reminders and merges ---------------------------------------------------------------------


def send_reminders(today: datetime.date | None = None) -> int:
    """E-mail each staff member in charge the next steps due today or overdue that they were
    not reminded of yet, one message per person; mark them so each next step is reminded once.
    Returns how many next steps were reminded."""
    today = today or timezone.localdate()
    with _action():
        # select_for_update: two runs at once (cron and a person) remind nobody twice.
        due = list(
            Case.objects.due_for_reminder(today)
            .select_for_update(of=("self",))
            .select_related("organisation", "in_charge")
            .order_by("in_charge_id", "next_step_due", "pk")
        )
        per_person = defaultdict(list)
        for case in due:
            per_person[case.in_charge_id].append(case)
        for cases in per_person.values():
            staff = cases[0].in_charge
            send_on_commit(
                staff.email,
                "accompaniment/email/reminder",
                {
                    "name": str(staff),
                    "today": today,
                    "cases": [
                        {
                            "organisation": case.organisation.name,
                            "kind": case.get_kind_display(),
                            "next_step": case.next_step,
                            "due": case.next_step_due,
                            "overdue": case.next_step_due < today,
                            "url": site_url() + case.get_absolute_url(),
                        }
                        for case in cases
                    ],
                },
                language=staff.preferred_language,
                policy=REMINDER_MAIL,
            )
        if due:
            Case.objects.filter(pk__in=[case.pk for case in due]).update(
                next_step_reminded_on=today
            )
    return len(due)


def move_cases(duplicate, target) -> None:
    """A merged duplicate's cases, and the links proposing it, pass to the kept record."""
    with _action():
        Case.objects.filter(organisation=duplicate).update(organisation=target)
        CaseLink.objects.filter(organisation=duplicate).update(organisation=target)
