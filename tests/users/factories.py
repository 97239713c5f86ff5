import factory

from passerelles.users.enums import MembershipRole, NetworkRole
from passerelles.users.models import Membership, User

PASSWORD = "motdepasse-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    role = NetworkRole.MEMBER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = NetworkRole.STAFF


class AdminFactory(UserFactory):
    role = NetworkRole.ADMIN


class PartnerAbroadFactory(UserFactory):
    role = NetworkRole.PARTNER_ABROAD


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory("tests.actors.factories.OrganisationFactory")
    role = MembershipRole.ADMIN
