"""The observatory's yearly snapshots (docs/decisions.md §33), and on PostgreSQL a trigger
that refuses any UPDATE or DELETE of a snapshot from any client (the Django model refuses them
too). The one UPDATE let through is the database's own SET NULL of `frozen_by` when the account
is deleted, everything else unchanged. Not on SQLite: the test database's flush empties tables
with DELETE there, which such a trigger would refuse (PostgreSQL's flush uses TRUNCATE, which
row triggers do not see)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

POSTGRES_CREATE = [
    """CREATE FUNCTION observatory_snapshot_frozen() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.frozen_by_id IS NULL
           AND NEW.id = OLD.id AND NEW.year = OLD.year AND NEW.frozen_at = OLD.frozen_at
           AND NEW.frozen_by_name = OLD.frozen_by_name AND NEW.tables = OLD.tables THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Année % figée : un instantané de l''observatoire ne change plus.', OLD.year
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER observatory_snapshot_frozen
    BEFORE UPDATE OR DELETE ON observatory_snapshot
    FOR EACH ROW EXECUTE FUNCTION observatory_snapshot_frozen()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS observatory_snapshot_frozen ON observatory_snapshot",
    "DROP FUNCTION IF EXISTS observatory_snapshot_frozen()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Snapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='année')),
                ('frozen_at', models.DateTimeField(verbose_name='figée le')),
                ('frozen_by_name', models.CharField(blank=True, max_length=300, verbose_name='nom de la personne')),
                ('tables', models.JSONField(verbose_name='tableaux figés')),
                ('frozen_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='figée par')),
            ],
            options={
                'verbose_name': "année figée de l'observatoire",
                'verbose_name_plural': "années figées de l'observatoire",
                'ordering': ['-year'],
            },
        ),
        migrations.RunPython(_run(POSTGRES_CREATE), _run(POSTGRES_DROP)),
    ]
