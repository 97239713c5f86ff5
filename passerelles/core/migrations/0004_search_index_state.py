from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_outgoing_mail_limits")]

    operations = [
        migrations.CreateModel(
            name="SearchIndexState",
            fields=[
                ("table", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("format", models.PositiveIntegerField()),
                ("built_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "état d'un index de recherche",
                "verbose_name_plural": "états des index de recherche",
            },
        ),
    ]
