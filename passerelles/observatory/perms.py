"""Who sees what on the observatory. Plain functions, tested for each role."""


def can_view_observatory(user) -> bool:
    """Everyone, visitors included: the public indicators count published records only."""
    return True


def sees_staff_indicators(user) -> bool:
    """The network's staff and admins also see the records waiting for them, the member
    organisations whatever their status and each event's participation: counts about
    unpublished records and about people, which members, partners abroad and visitors
    do not see."""
    return bool(user.is_authenticated and user.is_network_staff)


def can_freeze_years(user) -> bool:
    """Freezing a year (a snapshot nobody can change afterwards) is the network's staff's and
    admins' decision: the figures become those given to the general assembly and funders."""
    return bool(user.is_authenticated and user.is_active and user.is_network_staff)
