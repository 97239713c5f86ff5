"""History values of descriptions as plain text.

Records written before the text layer hold a description's sanitised HTML ("<p>Nous…</p>");
the history page would show those tags. They become the plain text the page shows now
(core.richtext.html_to_text). A change that was only markup (the same words, other tags or line
endings) is no change a person can see: its description entry is dropped, the record kept."""

from django.db import migrations

from passerelles.core.history import normalise_text
from passerelles.core.richtext import has_markup, html_to_text

BATCH = 500


def as_plain(value) -> str:
    value = str(value or "")
    return normalise_text(html_to_text(value) if has_markup(value) else value)


def descriptions_as_plain_text(apps, schema_editor):
    ChangeRecord = apps.get_model("actors", "ChangeRecord")
    changed = []
    records = ChangeRecord.objects.filter(changes__has_key="description").only("changes")
    for record in records.iterator(chunk_size=BATCH):
        pair = record.changes.get("description")
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        old, new = (as_plain(value) for value in pair)
        if [old, new] == pair:
            continue
        if old == new:
            del record.changes["description"]
        else:
            record.changes["description"] = [old, new]
        changed.append(record)
        if len(changed) >= BATCH:
            ChangeRecord.objects.bulk_update(changed, ["changes"])
            changed = []
    ChangeRecord.objects.bulk_update(changed, ["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0006_history_source_family_review"),
    ]

    operations = [
        migrations.RunPython(descriptions_as_plain_text, migrations.RunPython.noop, elidable=True),
    ]
