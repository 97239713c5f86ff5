"""Exports: attendance lists (CSV, XLSX) and iCalendar files (an event with its sessions, a
personal agenda of meetings).

Spreadsheet cells that start with =, +, - or @ are prefixed with a quote: a name typed as
"=HYPERLINK(…)" must stay text when staff open the file, not become a formula.

Every text is plain (core.richtext.plain_text): no tag and no HTML entity in a cell or in a
calendar, whatever a form or an import once stored."""

import io
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from openpyxl import Workbook

from passerelles.core import csvfiles
from passerelles.core.richtext import html_to_text, plain_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def attendance_header() -> list[str]:
    return [
        _("Nom"),
        _("E-mail"),
        _("Organisation"),
        _("Statut"),
        _("Inscrit·e le"),
        _("Arrivée"),
        _("Ateliers"),
        _("Besoins d'accessibilité"),
    ]


def attendance_rows(registrations):
    """One row per registration; `registrations` comes with organisation and sessions loaded."""
    for registration in registrations:
        checked = registration.checked_in_at
        yield [
            plain_text(registration.name),
            registration.email,
            plain_text(registration.organisation_label) or _("à titre citoyen"),
            registration.get_status_display(),
            timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(checked).strftime("%Y-%m-%d %H:%M") if checked else "",
            " ; ".join(plain_text(session.title) for session in registration.sessions.all()),
            plain_text(registration.accessibility_needs, multiline=True),
        ]


def attendance_csv(registrations) -> bytes:
    # The site's CSV convention: `;`, UTF-8 with a BOM, formulas quoted (core.csvfiles).
    return csvfiles.text(attendance_header(), attendance_rows(registrations)).encode("utf-8")


def attendance_xlsx(registrations, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Présences")[:31])
    sheet.append([title])
    sheet.append(attendance_header())
    for row in attendance_rows(registrations):
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def calendar_domain() -> str:
    """The domain in every UID we write: configured, never the request's Host header (a visitor
    on www. and one on the bare domain would otherwise get two copies of each event)."""
    domain = getattr(settings, "PASSERELLES_SITE_DOMAIN", "").strip().lower()
    if not domain:
        domain = urlsplit(getattr(settings, "PASSERELLES_SITE_URL", "")).hostname or ""
    return domain or "passerelles.invalid"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Passerelles//events//FR")
    calendar.add("version", "2.0")
    return calendar


def _vevent(uid, summary, start, end, *, location="", description="", url="") -> CalendarEvent:
    vevent = CalendarEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", plain_text(summary))
    if location := plain_text(location):
        vevent.add("location", location)
    if description := plain_text(description, multiline=True):
        vevent.add("description", description)
    if url:
        vevent.add("url", url)
    return vevent


def event_calendar(event, *, event_url: str, domain: str | None = None, sessions=None) -> bytes:
    """The event itself, then each of its sessions (or only `sessions` when given)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", plain_text(event.title))
    _add_event(calendar, event, event_url, domain or calendar_domain(), sessions)
    return calendar.to_ical()


def events_calendar(events, *, base_url: str, domain: str | None = None) -> bytes:
    """Every event given with its sessions: the feed a calendar subscribes to."""
    calendar = _calendar()
    calendar.add(
        "x-wr-calname",
        _("Événements — %(network)s") % {"network": settings.PASSERELLES_NETWORK_NAME},
    )
    domain = domain or calendar_domain()
    for event in events:
        _add_event(calendar, event, base_url + event.get_absolute_url(), domain, None)
    return calendar.to_ical()


def _add_event(calendar, event, event_url: str, domain: str, sessions) -> None:
    if sessions is None:
        calendar.add_component(
            _vevent(
                f"event-{event.pk}@{domain}",
                event.title,
                event.starts_at,
                event.ends_at,
                location=event.place_label,
                # The one-sentence summary, or the presentation's text when there is none.
                description=event.summary or html_to_text(event.description),
                url=event_url,
            )
        )
        sessions = event.sessions.all()
    for session in sessions:
        location = ", ".join(p for p in (session.room, event.place_label) if p)
        calendar.add_component(
            _vevent(
                f"session-{session.pk}@{domain}",
                f"{session.title} — {event.title}",
                session.starts_at,
                session.ends_at,
                location=location,
                description=session.description,
                url=event_url,
            )
        )


def agenda_calendar(registration, meetings, *, agenda_url: str, domain: str | None = None) -> bytes:
    """A participant's meetings, one event each, with the table and the other person."""
    event = registration.event
    domain = domain or calendar_domain()
    calendar = _calendar()
    calendar.add(
        "x-wr-calname", _("Mes rencontres — %(event)s") % {"event": plain_text(event.title)}
    )
    for meeting in meetings:
        other = meeting.other(registration)
        who = other.name + (f" ({other.organisation_label})" if other.organisation_label else "")
        calendar.add_component(
            _vevent(
                f"meeting-{meeting.pk}-{registration.pk}@{domain}",
                _("Rencontre avec %(who)s") % {"who": who},
                meeting.slot.starts_at,
                meeting.slot.ends_at,
                location=f"{meeting.table.label}, {event.place_label}",
                description=_("Table : %(table)s") % {"table": meeting.table.label},
                url=agenda_url,
            )
        )
    return calendar.to_ical()
