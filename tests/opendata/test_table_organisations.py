"""Organisations tables: validation as the organisation form, matching, idempotence, the
1,000-row acceptance test, and the command's report and exit codes."""

import io

import pytest
from django.core.management import CommandError, call_command
from stdnum import luhn

from passerelles.actors.enums import Status
from passerelles.actors.models import ChangeRecord, Organisation
from passerelles.opendata import registry
from passerelles.opendata.report import CREATED, REJECTED, UNCHANGED, UPDATED
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.opendata.conftest import csv_bytes, org_row
from tests.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


def siren(n: int) -> str:
    base = f"{n:08d}"
    return base + luhn.calc_check_digit(base)


def run(data: bytes, *, wet_run=True, user=None):
    return registry.get("organisations").run(io.BytesIO(data), wet_run=wet_run, user=user)


def outcomes(report):
    return {o.row: o for o in [*report.details, *report.rejections]}


def test_a_row_creates_a_published_organisation_with_its_vocabularies():
    data = csv_bytes(
        [
            org_row(
                1,
                acronym="AI1",
                siren=siren(1),
                themes="Santé; agriculture",
                sdgs="2; ODD 3; SDG 4",
                countries_of_action="Burkina Faso; SN",
                website="www.exemple.org",
                is_ess="non",
            )
        ]
    )
    report = run(data)
    assert report.counts[CREATED] == 1, report.rejections
    org = Organisation.objects.get(siren=siren(1))
    assert org.status == Status.PUBLISHED
    assert org.source == "table" and org.source_id.startswith("table--")
    assert org.commune_id == "41018" and org.department_id == "41" and org.lat is not None
    assert {t.slug for t in org.themes.all()} == {"sante", "agriculture"}
    assert {g.code for g in org.sdgs.all()} == {2, 3, 4}
    assert {c.code for c in org.countries_of_action.all()} == {"BF", "SN"}
    assert org.website == "https://www.exemple.org"
    # The history says it was imported, from a table, and by whom.
    record = ChangeRecord.objects.get(organisation=org)
    assert (record.action, record.source) == ("imported", "table")
    assert record.comment == "Import de tableau" and record.changes["name"][1] == org.name


def test_an_update_by_import_is_recorded_as_an_import_with_what_changed():
    org = OrganisationFactory(name="Gardée", siren=siren(5), phone="")
    staff = StaffFactory()
    row = org_row(1, name="Gardée", siren=siren(5), phone="02 54", themes="")
    report = run(csv_bytes([row]), user=staff)
    assert report.counts[UPDATED] == 1, report.rejections
    record = ChangeRecord.objects.get(organisation=org, source="table")
    assert record.action == "imported" and record.user == staff
    assert set(record.changes) == {"phone"}
    # Imported again: nothing changes, nothing is recorded.
    assert run(csv_bytes([row])).counts[UNCHANGED] == 1
    assert org.history.filter(source="table").count() == 1


def test_imported_links_reach_the_search_index_and_the_suggestion_profile():
    """New organisations get their themes, SDGs and countries without add(): the directory
    search and the partner-suggestion profile must still see them."""
    from passerelles.actors.search import search
    from passerelles.bridges.models import OrganisationProfile

    data = csv_bytes(
        [
            org_row(
                1,
                name="Collectif Zorblax",
                description="Une présentation sans le mot du thème.",
                themes="eau-assainissement",
                sdgs="6",
                countries_of_action="Burkina Faso",
            )
        ]
    )
    assert run(data).counts[CREATED] == 1
    org = Organisation.objects.get(name="Collectif Zorblax")
    # "assainissement" appears only in the theme: found through the indexed theme.
    assert org in search(Organisation.objects.all(), "assainissement")
    profile = OrganisationProfile.objects.get(organisation=org)
    assert profile.themes.split() == [str(org.themes.get().pk)]
    assert profile.sdgs.split() == ["6"] and "BF" in profile.countries.split()


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"siren": "123456789"}, "n'est pas un numéro SIREN valide"),
        ({"siret": "12345678901234"}, "n'est pas un numéro SIRET valide"),
        ({"rna": "X123"}, "Un numéro RNA commence par W"),
        ({"commune": "Ville Imaginaire"}, "Commune inconnue"),
        ({"family": "licorne"}, "famille inconnue « licorne »"),
        ({"themes": "agriculture; astrologie"}, "thème inconnu « astrologie »"),
        ({"country": "Atlantide"}, "pays inconnu « Atlantide »"),
        ({"email": "pas-une-adresse"}, "email :"),
        ({"is_si": "peut-être"}, "n'est ni oui ni non"),
        ({"country": "BF", "commune": "", "locality": ""}, "locality :"),
        ({"name": ""}, "le nom est obligatoire"),
    ],
)
def test_invalid_rows_are_rejected_with_the_forms_reason(values, reason):
    report = run(csv_bytes([org_row(1, **values)]))
    (rejection,) = report.rejections
    assert rejection.row == 2
    assert reason in rejection.reason
    assert not Organisation.objects.exists()


def test_script_in_texts_is_removed_and_reported():
    report = run(
        csv_bytes(
            [
                org_row(
                    1,
                    description="<p>Bonjour</p><script>alert(1)</script>",
                    offers="x <script>y</script>",
                )
            ]
        )
    )
    (outcome,) = report.details
    assert outcome.outcome == CREATED
    assert "code retiré" in outcome.reason
    org = Organisation.objects.get()
    assert "<script" not in org.description and "Bonjour" in org.description
    assert "<script" not in org.offers


def test_matching_by_siren_then_rna_then_name_and_commune():
    by_siren = OrganisationFactory(name="Ancien nom", siren=siren(7))
    by_rna = OrganisationFactory(name="Autre", rna="W412000001")
    by_name = OrganisationFactory(name="L'Association des Amis de Koudougou")
    abroad = AbroadOrganisationFactory(name="Coopérative Wend Panga")
    data = csv_bytes(
        [
            org_row(1, name="Nouveau nom", siren=siren(7)),
            org_row(2, name="Autre", rna="w412000001", acronym="AU"),
            org_row(3, name="association des amis de koudougou", acronym="AAK"),
            org_row(
                4,
                name="Cooperative WEND PANGA",
                family="abroad",
                commune="",
                country="BF",
                locality="Ouagadougou",
                acronym="WP",
            ),
        ]
    )
    report = run(data)
    assert report.counts == {CREATED: 0, UPDATED: 4, UNCHANGED: 0, REJECTED: 0}, report.rejections
    by_siren.refresh_from_db()
    assert by_siren.name == "Nouveau nom"
    assert Organisation.objects.get(pk=by_rna.pk).acronym == "AU"
    assert Organisation.objects.get(pk=by_name.pk).acronym == "AAK"
    assert Organisation.objects.get(pk=abroad.pk).acronym == "WP"
    assert Organisation.objects.count() == 4


def test_same_name_with_another_siren_is_another_organisation():
    OrganisationFactory(name="Solidarité Blois", siren=siren(1))
    report = run(csv_bytes([org_row(1, name="Solidarité Blois", siren=siren(2))]))
    assert report.counts[CREATED] == 1


def test_empty_cells_keep_stored_values():
    org = OrganisationFactory(
        name="Gardée", siren=siren(3), email="garde@exemple.org", website="https://a.org"
    )
    report = run(
        csv_bytes(
            [
                {
                    "name": "Gardée",
                    "family": "",
                    "siren": siren(3),
                    "email": "",
                    "themes": "numerique",
                }
            ]
        )
    )
    assert report.counts[UPDATED] == 1, report.rejections
    org.refresh_from_db()
    assert org.email == "garde@exemple.org" and org.website == "https://a.org"
    assert [t.slug for t in org.themes.all()] == ["numerique"]


def test_a_second_run_changes_nothing():
    rows = [org_row(n, siren=siren(n), description="<p>Texte</p>") for n in range(1, 6)]
    rows.append(org_row(9, family="abroad", commune="", country="Sénégal", locality="Dakar"))
    data = csv_bytes(rows)
    first = run(data)
    assert first.counts[CREATED] == 6
    stamps = dict(Organisation.objects.values_list("pk", "updated_at"))
    second = run(data)
    assert second.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 6, REJECTED: 0}
    assert dict(Organisation.objects.values_list("pk", "updated_at")) == stamps


def thousand_rows() -> tuple[bytes, dict[int, str]]:
    rows, bad = [], {}
    breakers = [
        ("siren", "123456789", "SIREN"),
        ("commune", "Nullepart-sur-Rien", "Commune inconnue"),
        ("family", "inconnue", "famille inconnue"),
        ("rna", "12", "RNA"),
        ("themes", "cuisine", "thème inconnu"),
    ]
    for n in range(1000):
        row = org_row(n, siren=siren(n + 1))
        if n % 100 == 50:
            column, value, reason = breakers[(n // 100) % len(breakers)]
            row[column] = value
            bad[n + 2] = reason  # +1 for the header, +1 for numbering from 1
        rows.append(row)
    return csv_bytes(rows), bad


def test_thousand_rows_with_ten_bad_ones():
    data, bad = thousand_rows()
    dry = run(data, wet_run=False)
    assert dry.counts == {CREATED: 990, UPDATED: 0, UNCHANGED: 0, REJECTED: 10}
    assert {o.row: o.reason for o in dry.rejections}.keys() == bad.keys()
    for rejection in dry.rejections:
        assert bad[rejection.row] in rejection.reason
    assert not Organisation.objects.exists()  # dry run: nothing written

    wet = run(data, wet_run=True)
    assert wet.counts == dry.counts
    assert Organisation.objects.count() == 990

    again = run(data, wet_run=True)
    assert again.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 990, REJECTED: 10}
    assert Organisation.objects.count() == 990


def test_command_reports_rows_and_summary(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([org_row(1), org_row(2, siren="123")]))
    out = io.StringIO()
    call_command("import_table", str(path), "--kind", "organisations", stdout=out)
    lines = [" ".join(line.split()) for line in out.getvalue().splitlines()]
    assert "ligne 2 créé Association Import 1" in lines
    assert any(line.startswith("ligne 3 rejeté Association Import 2 siren :") for line in lines)
    text = "\n".join(lines)
    assert "2 lignes : 1 créée, 0 mise à jour, 0 inchangée, 1 rejetée." in text
    assert "Simulation : rien n'a été écrit" in text
    assert not Organisation.objects.exists()
    call_command("import_table", str(path), "--kind", "organisations", "--wet-run", stdout=out)
    assert Organisation.objects.count() == 1


def test_command_refuses_a_bad_file_with_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"nom;commune\nA;Blois\n")
    with pytest.raises(CommandError, match="Colonne obligatoire absente : family"):
        call_command("import_table", str(path), "--kind", "organisations", stdout=io.StringIO())
    with pytest.raises(CommandError, match="illisible"):
        call_command("import_table", str(tmp_path / "missing.csv"), "--kind", "organisations")


def test_encoding_error_deep_in_the_file_writes_nothing():
    # Past the 64 KB sample the encoding is guessed from.
    good = csv_bytes([org_row(n, description="x" * 2000) for n in range(40)])
    data = good + "Caf\xe9;si_association;41018\n".encode("latin-1")
    report = run(data, wet_run=True)
    assert report.error and "Encodage" in report.error
    assert report.total == 0
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("wet_run", [True, False])
def test_rows_match_what_earlier_rows_of_the_same_file_wrote(wet_run):
    """The import's name index follows its own writes: a row finds an organisation created or
    renamed a few rows above, and no longer finds it under its former name."""
    data = csv_bytes(
        [
            org_row(1, name="Les Amis de Kaya"),
            org_row(2, name="amis de kaya", acronym="AK"),
            org_row(3, name="Jardins de Dori", siren=siren(5)),
            org_row(4, name="Jardins partagés de Dori", siren=siren(5)),
            org_row(5, name="Jardins de Dori", acronym="JD"),
            org_row(6, name="jardins partages de dori", acronym="JPD"),
        ]
    )
    report = run(data, wet_run=wet_run)
    assert report.counts == {CREATED: 3, UPDATED: 3, UNCHANGED: 0, REJECTED: 0}
    rows = outcomes(report)
    assert [rows[n].outcome for n in range(2, 8)] == [
        CREATED,
        UPDATED,
        CREATED,
        UPDATED,
        CREATED,
        UPDATED,
    ]
    if not wet_run:
        assert not Organisation.objects.exists()
        return
    assert sorted(Organisation.objects.values_list("name", "acronym")) == [
        ("Jardins de Dori", "JD"),
        ("amis de kaya", "AK"),
        ("jardins partages de dori", "JPD"),
    ]
