"""Property tests: whatever the bytes, the IATI reader and command answer in words, and an
import either applies whole activities or nothing."""

import tempfile
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelles.actors.models import Organisation
from passerelles.opendata.iati.importer import import_iati
from passerelles.opendata.iati.reader import IatiFileError, read_activities
from passerelles.opendata.report import CREATED
from passerelles.projects.models import Project
from tests.opendata.iati_helpers import activity, document

VALID = document(
    activity(
        extra='<recipient-country code="BF" percentage="60"/>'
        '<recipient-country code="SN" percentage="40"/>'
        '<location ref="BF-1"><name><narrative>Koudougou</narrative></name>'
        "<point><pos>12.25 -2.36</pos></point></location>"
        '<sector vocabulary="1" code="11110" percentage="100"/><tag vocabulary="3" code="4.1"/>'
        '<budget><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>'
        '<value currency="EUR" value-date="2025-01-01">1000</value></budget>'
    ),
    activity(
        identifier="FR-RNA-W411000001-P2",
        orgs='<participating-org ref="BF-RCCM-123" role="4" type="24"><narrative>Union'
        "</narrative></participating-org>",
    ),
)
FRAGMENTS = [
    b"<",
    b">",
    b"&",
    b'"',
    b"\x00",
    b"</title>",
    b"<iati-activity>",
    b"</iati-activity>",
    b"<![CDATA[x]]>",
    b"&amp;",
    b"&lt;",
    "é".encode(),
    b"\xff\xfe",
    b'code="99"',
    b'iso-date="2025-02-30"',
    b"<pos>91 200</pos>",
    b"<value>-5</value>",
    b"<value>1e400</value>",
    b"<!ENTITY x 'y'>",
]


@st.composite
def mutated(draw) -> bytes:
    data = VALID
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "delete", "insert", "replace"]))
        i = draw(st.integers(0, len(data)))
        if kind == "truncate":
            data = data[:i]
        elif kind == "delete":
            data = data[:i] + data[i + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            piece = draw(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=8)))
            data = data[:i] + piece + data[i:]
        else:
            # Change a value inside quotes or text while keeping the document well-formed.
            text = draw(st.text(alphabet="0123456789-.,aZ é", max_size=6)).encode()
            data = data.replace(b'"2"', b'"' + text + b'"', 1).replace(
                b">1000<", b">" + text + b"<"
            )
    return data


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=400), mutated()))
def test_the_reader_only_ever_raises_its_own_french_error(data):
    try:
        for _record in read_activities(BytesIO(data)):
            pass
    except IatiFileError as error:
        assert str(error)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated(), wet_run=st.booleans())
def test_an_import_never_crashes_and_never_writes_partially(data, wet_run):
    before = (Project.objects.count(), Organisation.objects.count())

    report = import_iati(BytesIO(data), wet_run=wet_run)

    projects, organisations = Project.objects.count(), Organisation.objects.count()
    if report.error or not wet_run:
        assert (projects, organisations) == before
        return
    created = [d for d in report.details if d.outcome == CREATED]
    assert projects - before[0] == sum(1 for d in created if d.kind == "project")
    assert organisations - before[1] == sum(1 for d in created if d.kind == "organisation")


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated())
def test_the_command_answers_in_words(data):
    with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
        handle.write(data)
        handle.flush()
        try:
            call_command("import_iati", handle.name, "--wet-run", stdout=StringIO())
        except CommandError as error:
            assert "Fichier refusé, rien n'a été écrit" in str(error)
