"""Who may do what with practice sheets. Plain functions, one rule each, used by the views, the
templates and the API alike.

Visitors read published sheets. Members and partners abroad propose sheets (staff publish or
refuse them) and edit their own until they are published; staff write, publish, refuse,
archive and curate the pairs of the common-issue pages."""

from passerelles.practices.enums import SheetStatus
from passerelles.users.enums import NetworkRole


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_staff(user) -> bool:
    """Network staff and admins."""
    return _active(user) and user.is_network_staff


def can_propose(user) -> bool:
    """A signed-in member or partner abroad proposes a sheet; staff write one directly."""
    if not _active(user):
        return False
    return user.is_network_staff or user.role in (NetworkRole.MEMBER, NetworkRole.PARTNER_ABROAD)


def can_view(user, practice) -> bool:
    """A published sheet is public; the others are seen by their author and staff (so the
    author reads the refusal's reason)."""
    if practice.status == SheetStatus.PUBLISHED:
        return True
    return is_staff(user) or (_active(user) and practice.author_id == user.pk)


def can_edit(user, practice) -> bool:
    """Staff edit every sheet; the author edits their proposal while it waits or after a
    refusal (editing sends it back to staff). A published sheet is changed by staff only, so
    nothing public changes without a review."""
    if is_staff(user):
        return True
    if not can_propose(user) or practice.author_id != user.pk:
        return False
    return practice.status in (SheetStatus.PENDING, SheetStatus.REFUSED)


def can_moderate(user) -> bool:
    """Publishing, refusing and archiving sheets is staff's."""
    return is_staff(user)


def can_curate_pairs(user) -> bool:
    """Pinning or hiding a pair on the common-issue pages is staff's."""
    return is_staff(user)


def can_view_history(user, practice) -> bool:
    """The history names who changed what: staff only."""
    return is_staff(user)
