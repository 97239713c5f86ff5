"""Check an IATI activity document against the 2.03 schema and the codelists we ship.

`validate(source)` answers a list of French problems (empty when the document is valid):
schema errors from lxml's XMLSchema (iati-activities-schema.xsd with its includes, read from
the package's own copy, never from the network), then codes absent from their codelist.
"""

from dataclasses import dataclass
from functools import cache
from typing import IO

from django.utils.translation import gettext as _
from lxml import etree

from passerelles.opendata.iati.codelists import DATA, agency_code, codes

# (XPath of a coded attribute, the codelist its values come from)
CODED = (
    ("//activity-status/@code", "ActivityStatus"),
    ("//activity-date/@type", "ActivityDateType"),
    ("//participating-org/@role", "OrganisationRole"),
    ("//participating-org/@type", "OrganisationType"),
    ("//reporting-org/@type", "OrganisationType"),
    ("//provider-org/@type", "OrganisationType"),
    ("//iati-activity/recipient-country/@code", "Country"),
    ("//iati-activity/sector[not(@vocabulary) or @vocabulary='1']/@code", "Sector"),
    ("//iati-activity/sector[@vocabulary='2']/@code", "SectorCategory"),
    ("//iati-activity/sector/@vocabulary", "SectorVocabulary"),
    ("//tag/@vocabulary", "TagVocabulary"),
    ("//tag[@vocabulary='2']/@code", "UNSDG-Goals"),
    ("//tag[@vocabulary='3']/@code", "UNSDG-Targets"),
    ("//@currency", "Currency"),
    ("//@default-currency", "Currency"),
    ("//budget/@type", "BudgetType"),
    ("//budget/@status", "BudgetStatus"),
    ("//transaction-type/@code", "TransactionType"),
    ("//description/@type", "DescriptionType"),
)


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("ligne %(line)s : %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@cache
def schema(name: str = "iati-activities-schema.xsd") -> etree.XMLSchema:
    # Parsed from a path so the xsd:include / xsd:import of the neighbouring files resolve
    # inside the package directory.
    path = DATA.joinpath("xsd", name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def activity_schema() -> etree.XMLSchema:
    return schema("iati-activities-schema.xsd")


def validate(
    source: str | IO[bytes], *, max_problems: int = 200, identifiers: bool = False
) -> list[Problem]:
    """Problems of the document `source` (a path or a binary file), at most `max_problems`:
    an activity file (`iati-activities`) or an organisation file (`iati-organisations`),
    each against its 2.03 schema. With `identifiers`, also the IATI identifier rules our
    exports follow (decisions §27): every organisation ref and the reporting organisation's
    start with a registration agency of the codelist (or the publisher's own ref), and each
    activity identifier starts with its reporting organisation's ref."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        tree = etree.parse(source, parser)
    except etree.XMLSyntaxError as error:
        return [
            Problem(
                getattr(error, "lineno", None),
                _("XML mal formé : %(error)s") % {"error": error.msg},
            )
        ]
    root = tree.getroot().tag
    checker = schema(
        "iati-organisations-schema.xsd"
        if root == "iati-organisations"
        else "iati-activities-schema.xsd"
    )
    problems = []
    if not checker.validate(tree):
        for error in checker.error_log:
            problems.append(
                Problem(error.line, _("schéma IATI 2.03 : %(error)s") % {"error": error.message})
            )
            if len(problems) >= max_problems:
                return problems
    problems += codelist_problems(tree, max_problems - len(problems))
    if identifiers:
        problems += identifier_problems(tree)[: max(0, max_problems - len(problems))]
    return problems


def identifier_problems(tree) -> list[Problem]:
    problems = []

    def refused(element, ref: str, publisher: str) -> None:
        if ref and not agency_code(ref) and not (publisher and ref.startswith(f"{publisher}-")):
            problems.append(
                Problem(
                    element.sourceline,
                    _(
                        "identifiant « %(ref)s » : son préfixe n'est pas une agence "
                        "d'enregistrement de la liste IATI OrganisationRegistrationAgency"
                    )
                    % {"ref": ref},
                )
            )

    for record in tree.getroot():
        reporting = record.find("reporting-org")
        publisher = reporting.get("ref", "") if reporting is not None else ""
        if reporting is not None:
            refused(reporting, publisher, "")
        identifier = record.findtext("iati-identifier") or ""
        if record.tag == "iati-activity" and not identifier.startswith(f"{publisher}-"):
            problems.append(
                Problem(
                    record.sourceline,
                    _(
                        "l'identifiant d'activité « %(identifier)s » ne commence pas par celui "
                        "de son organisation déclarante « %(ref)s »"
                    )
                    % {"identifier": identifier, "ref": publisher},
                )
            )
        for element in record.iter("participating-org", "provider-org", "organisation-identifier"):
            ref = element.text if element.tag == "organisation-identifier" else element.get("ref")
            refused(element, (ref or "").strip(), publisher)
    return problems


def codelist_problems(tree, limit: int = 200) -> list[Problem]:
    problems = []
    for xpath, codelist in CODED:
        allowed = codes(codelist)
        for value in tree.xpath(xpath):
            if str(value) not in allowed:
                problems.append(
                    Problem(
                        value.getparent().sourceline,
                        _("code « %(code)s » absent de la liste IATI %(codelist)s")
                        % {"code": value, "codelist": codelist},
                    )
                )
                if len(problems) >= limit:
                    return problems
    return problems
