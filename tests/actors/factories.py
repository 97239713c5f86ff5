import factory

from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A published organisation here (Blois by default)."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Association Test {n}")
    family = Family.SI_ASSOCIATION
    is_si = True
    status = Status.PUBLISHED
    country_id = "FR"
    commune_id = "41018"
    description = "Une association de solidarité internationale."

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)

    @factory.post_generation
    def sdgs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sdgs.set(extracted)

    @factory.post_generation
    def countries_of_action(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.countries_of_action.set(extracted)


class AbroadOrganisationFactory(OrganisationFactory):
    """A partner organisation abroad (Ouagadougou, Burkina Faso by default)."""

    family = Family.ABROAD
    country_id = "BF"
    commune_id = None
    locality = "Ouagadougou"
    lat = 12.3657
    lon = -1.5339
