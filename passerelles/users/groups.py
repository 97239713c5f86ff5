"""The "Équipe du réseau" group: the Django admin permissions every staff member needs.

Membership follows the network role (User.save), so nobody has to tick permissions by hand.
The group is recreated on demand when missing (e.g. after a database flush in tests)."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STAFF_GROUP_NAME = "Équipe du réseau"

# app label → actions on every model of that app. Staff curate the directory and its
# vocabularies; they may view referentials but not edit the official codes; they manage
# people and memberships but never groups or permissions (that is the admins' job).
STAFF_PERMISSIONS = {
    "actors": ("add", "change", "delete", "view"),
    "vocab": ("add", "change", "delete", "view"),
    "users": ("add", "change", "view"),
    "geo": ("view",),
    "projects": ("add", "change", "delete", "view"),
    "opendata": ("add", "change", "delete", "view"),
    "bridges": ("add", "change", "delete", "view"),
    "events": ("add", "change", "delete", "view"),
    # Co-construction spaces belong to their members: staff read them, never act in them.
    "cooperation": ("view",),
}
EXTRA_CODENAMES = [("users", "delete_membership")]


def staff_permissions_query() -> Q:
    query = Q(pk__in=[])
    for app_label, actions in STAFF_PERMISSIONS.items():
        for action in actions:
            query |= Q(content_type__app_label=app_label, codename__startswith=f"{action}_")
    for app_label, codename in EXTRA_CODENAMES:
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def staff_group() -> Group:
    group, created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    if created:
        group.permissions.set(Permission.objects.filter(staff_permissions_query()))
    return group


def sync_staff_group(**kwargs) -> None:
    """post_migrate: give the group the permissions of models added since it was created.

    Apps and models arrive over time (projects, events…); without this, staff would lose admin
    access to every model born after the group, until someone ticked boxes by hand."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    group.permissions.set(Permission.objects.filter(staff_permissions_query()))
