"""Helpers shared by the IATI tests: sample files and a tiny activity-file builder."""

from pathlib import Path

DATA = Path(__file__).parent / "data" / "iati"
EXAMPLE = DATA / "activity-standard-example-annotated.xml"


def activity(
    identifier="FR-RNA-W411000001-P1",
    title="Puits partagés",
    extra="",
    status="2",
    orgs='<participating-org ref="FR-RNA-W411000001" role="2" type="22">'
    "<narrative>Les Amis de Koudougou</narrative></participating-org>",
):
    return (
        f"<iati-activity><iati-identifier>{identifier}</iati-identifier>"
        f'<reporting-org ref="FR-RNA-W411000001" type="22"><narrative>Amis</narrative>'
        f"</reporting-org><title><narrative>{title}</narrative></title>{orgs}"
        f'<activity-status code="{status}"/>'
        f'<activity-date type="1" iso-date="2025-01-01"/>{extra}</iati-activity>'
    )


def document(*activities: str, version="2.03") -> bytes:
    body = "".join(activities)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<iati-activities version="{version}">{body}</iati-activities>'
    ).encode()


def write(tmp_path, content: bytes, name="activities.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path
