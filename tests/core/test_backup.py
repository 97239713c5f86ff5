"""`passerelles backup` and `restore`: a demo backed up, wiped and restored comes back whole,
search included, on SQLite and on PostgreSQL (issue 13, problem 8)."""

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client

from passerelles.actors.demo import build_demo
from passerelles.actors.models import Organisation
from passerelles.core.backup import table_counts

pytestmark = pytest.mark.django_db(transaction=True)


def _directory_search(text):
    return Client().get("/annuaire/", {"q": text}).content.decode()


def test_backup_then_wipe_then_restore_gives_the_same_network(tmp_path, referentials):
    build_demo(size=40, seed=3)
    org = Organisation.objects.filter(status="published").order_by("pk").first()
    word = org.name.split()[-1]
    assert org.name in _directory_search(word)
    default_storage.save("logos/reseau.png", ContentFile(b"\x89PNG logo"))
    before = table_counts()

    out = io.StringIO()
    archive = tmp_path / "sauvegarde.tar"
    call_command("backup", str(archive), stdout=out)
    assert "Sauvegarde écrite" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/logos/reseau.png" in names

    # Disaster: the directory and the logo are gone.
    Organisation.objects.all().delete()
    default_storage.delete("logos/reseau.png")
    default_storage.save("logos/intrus.png", ContentFile(b"after the backup"))
    assert org.name not in _directory_search(word)

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "comme à la sauvegarde" in out.getvalue()
    assert table_counts() == before
    assert org.name in _directory_search(word)
    with default_storage.open("logos/reseau.png") as handle:
        assert handle.read() == b"\x89PNG logo"
    assert not default_storage.exists("logos/intrus.png")


def test_restore_asks_for_confirmation_and_refuses_what_is_not_a_backup(tmp_path):
    archive = tmp_path / "a.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    other = tmp_path / "notes.tar"
    other.write_bytes(b"pas une archive")
    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        call_command("restore", str(other), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="introuvable"):
        call_command("restore", str(tmp_path / "absent.tar"), "--yes", stdout=io.StringIO())
