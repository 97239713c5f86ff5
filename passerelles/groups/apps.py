from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "passerelles.groups"
    verbose_name = _("Groupes de travail")

    def ready(self):
        from passerelles.core import door
        from passerelles.groups import merging
        from passerelles.groups.models import (
            Delivery,
            GroupMeeting,
            JoinRequest,
            Membership,
            Post,
            WorkingGroup,
        )

        # A group's rows are written by groups/actions.py only (decisions §15, §37).
        door.guard(WorkingGroup, rows=(Membership, JoinRequest, GroupMeeting, Post, Delivery))
        # A merged duplicate's group members and requests name the kept organisation.
        merging.connect()
