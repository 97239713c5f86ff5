import factory

from passerelles.actors import actions
from passerelles.actors.enums import Family, Status
from passerelles.actors.history import M2M_FIELDS
from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.core.history import ChangeSource, Origin

FACTORY_ORIGIN = Origin(None, ChangeSource.SYSTEM, "Jeu d'essai")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A published organisation here (Blois by default), created through the actions like
    every organisation (history, moderation when pending, search and suggestion indexes)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association Test {n}")
    family = Family.SI_ASSOCIATION
    is_si = True
    status = Status.PUBLISHED
    country_id = "FR"
    commune_id = "41018"
    description = "Une association de solidarité internationale."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status", Status.PUBLISHED)
        data, rest = {}, {}
        for name, value in kwargs.items():
            base = name.removesuffix("_id") if name in ("commune_id", "country_id") else name
            if base in actions.DATA_FIELDS or base in M2M_FIELDS:
                data[base] = value
            else:
                rest[name] = value
        org = actions.create_organisation(data, origin=FACTORY_ORIGIN, status=status)
        if rest:
            # Test set-ups only (a creation date in the past, a chosen slug): not data a
            # person or an import can give.
            with door.inside():
                for name, value in rest.items():
                    setattr(org, name, value)
                org.save()
        return org


class AbroadOrganisationFactory(OrganisationFactory):
    """A partner organisation abroad (Ouagadougou, Burkina Faso by default)."""

    family = Family.SI_ASSOCIATION
    country_id = "BF"
    commune_id = None
    locality = "Ouagadougou"
    lat = 12.3657
    lon = -1.5339


def change_organisation(org, **changes):
    """Change `org` through the door, as a test set-up (the history says "système")."""
    return actions.update_organisation(org, changes, origin=FACTORY_ORIGIN)
