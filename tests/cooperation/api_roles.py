"""Who calls the co-construction API in its tests: every role of the network (visitor,
people outside the space here and abroad, staff, admin) and the space's own people (a member
here, a partner abroad, the lead), signed in with the session (as a browser) or a token."""

from passerelles.users.models import ApiToken
from tests.users.factories import AdminFactory, PartnerAbroadFactory, StaffFactory, UserFactory

ROLES = ["visitor", "outsider", "outsider_abroad", "staff", "admin", "member", "partner", "lead"]
TAKING_PART = {"member", "partner", "lead"}  # active members, here and there
READING = TAKING_PART | {"staff", "admin"}


def person(w, role):
    return {
        "visitor": lambda: None,
        "outsider": UserFactory,
        "outsider_abroad": PartnerAbroadFactory,
        "staff": StaffFactory,
        "admin": AdminFactory,
        "member": lambda: w.member_user,
        "partner": lambda: w.partner_user,
        "lead": lambda: w.lead_user,
    }[role]()


def as_role(client, w, role):
    user = person(w, role)
    if user is not None:
        client.force_login(user)
    return client


def token(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'test')[1]}"}


def base(w) -> str:
    return f"/api/v1/cooperation/spaces/{w.space.project.slug}"


def refused(response, role) -> bool:
    """Refused as the role should be: 401 for a visitor (sign in), 403 for anyone signed in,
    with a sentence."""
    expected = 401 if role == "visitor" else 403
    return response.status_code == expected and bool(response.json()["detail"])
