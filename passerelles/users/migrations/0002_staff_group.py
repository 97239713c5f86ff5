"""Create the "Équipe du réseau" group with the admin permissions staff need, and put the
existing staff in it. Permissions are created here first: Django only creates them after all
migrations (post_migrate), too late for this one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

STAFF_GROUP_NAME = "Équipe du réseau"
STAFF_PERMISSIONS = {
    "actors": ("add", "change", "delete", "view"),
    "vocab": ("add", "change", "delete", "view"),
    "users": ("add", "change", "view"),
    "geo": ("view",),
}
EXTRA_CODENAMES = [("users", "delete_membership")]


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("users", "User")
    query = Q(pk__in=[])
    for app_label, actions in STAFF_PERMISSIONS.items():
        for action in actions:
            query |= Q(content_type__app_label=app_label, codename__startswith=f"{action}_")
    for app_label, codename in EXTRA_CODENAMES:
        query |= Q(content_type__app_label=app_label, codename=codename)
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    group.permissions.set(Permission.objects.filter(query))
    for user in User.objects.filter(role="staff"):
        user.groups.add(group)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=STAFF_GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0002_initial"),
        ("vocab", "0001_initial"),
        ("geo", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
