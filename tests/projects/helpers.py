"""Posting the project editor from tests: JSON-like payloads turned into the form data a
browser posts (participants, places and funding as formset rows). Production code no longer
needs this: the API validates JSON with passerelles.projects.validation."""

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import Project
from passerelles.vocab.models import Theme

SCALARS = [
    "title",
    "acronym",
    "summary",
    "description",
    "project_status",
    "start_date",
    "end_date",
    "website",
    "iati_identifier",
    "status",
]


class PayloadError(ValueError):
    """A value that cannot even be put into the form (an unknown theme slug); French message."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def _formset(data: MultiValueDict, prefix: str, existing: list, rows: list[dict] | None, keep):
    """Write one formset: existing rows (kept as they are, or deleted when `rows` replaces
    them), then the new rows."""
    forms = []
    for obj in existing:
        if rows is None:
            forms.append({"id": obj.pk, **keep(obj)})
        else:
            forms.append({"id": obj.pk, **keep(obj), "DELETE": "on"})
    forms += list(rows or [])
    data[f"{prefix}-TOTAL_FORMS"] = str(len(forms))
    data[f"{prefix}-INITIAL_FORMS"] = str(len(existing))
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    for i, row in enumerate(forms):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = _text(value)


def form_data(payload: dict, project: Project | None = None) -> MultiValueDict:
    """The editor's form data for `payload` laid over `project` (None for a creation)."""
    data = MultiValueDict()
    current = project if project is not None else Project()
    for name in SCALARS:
        value = payload[name] if name in payload else getattr(current, name, "")
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        data[name] = _text(value)

    if "themes" in payload:
        slugs = list(payload["themes"] or [])
        found = dict(Theme.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise PayloadError(_("Thème inconnu : « %(value)s ».") % {"value": unknown[0]})
        data.setlist("themes", [str(found[s]) for s in slugs])
    elif project is not None:
        data.setlist("themes", [str(pk) for pk in project.themes.values_list("pk", flat=True)])
    for name in ("sdg_targets", "dac_sectors"):
        if name in payload:
            data.setlist(name, [str(code) for code in payload[name] or []])
        elif project is not None:
            data.setlist(name, list(getattr(project, name).values_list("pk", flat=True)))

    def existing(manager, **filters):
        return list(manager.filter(**filters).order_by("pk")) if project is not None else []

    participations = payload.get("participations")
    _formset(
        data,
        "participants",
        existing(current.participations) if project else [],
        [
            {"organisation": p.get("organisation"), "role": p.get("role"), "note": p.get("note")}
            for p in participations
        ]
        if participations is not None
        else None,
        lambda p: {"organisation": p.organisation_id, "role": p.role, "note": p.note},
    )
    _formset(data, "new", [], payload.get("new_organisations") or [], lambda o: {})

    places = payload.get("places")
    here = [p for p in places or [] if p.get("side", PlaceSide.HERE) == PlaceSide.HERE]
    there = [p for p in places or [] if p.get("side") == PlaceSide.THERE]
    _formset(
        data,
        "here",
        existing(current.places, side=PlaceSide.HERE) if project else [],
        [{"commune_text": p.get("commune"), "department": p.get("department")} for p in here]
        if places is not None
        else None,
        lambda p: {"commune_text": p.commune_id or "", "department": p.department_id or ""},
    )
    _formset(
        data,
        "there",
        existing(current.places, side=PlaceSide.THERE) if project else [],
        [{"country": p.get("country"), "locality": p.get("locality")} for p in there]
        if places is not None
        else None,
        lambda p: {"country": p.country_id, "locality": p.locality},
    )
    lines = payload.get("funding_lines")
    _formset(
        data,
        "funding",
        existing(current.funding_lines) if project else [],
        [
            {
                "funder_name": f.get("funder_name"),
                "amount": f.get("amount"),
                "currency": f.get("currency") or "EUR",
                "year": f.get("year"),
                "instrument": f.get("instrument") or "grant",
            }
            for f in lines
        ]
        if lines is not None
        else None,
        lambda f: {
            "funder_name": f.funder_name,
            "amount": f.amount,
            "currency": f.currency,
            "year": f.year,
            "instrument": f.instrument,
        },
    )
    return data


def post_data(payload: dict, project=None) -> dict:
    data = form_data(payload, project)
    return {key: data.getlist(key) for key in data}
