"""Who may do what with the yearly survey. Plain functions, one rule each.

The person answering needs no account: holding the personal link is the permission, checked in
views_answer by the token and its expiry, not here."""


def can_run_surveys(user) -> bool:
    """Opening, following, reminding and closing a campaign is network staff's and admins'
    work: the response table names organisations that did not answer and their addresses."""
    return user.is_authenticated and user.is_active and user.is_network_staff
