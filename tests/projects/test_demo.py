"""Demo projects: realistic links between the demo organisations, deterministic for a seed."""

import pytest

from passerelles.actors.demo import build_demo as build_organisations
from passerelles.projects.demo import build_demo
from passerelles.projects.enums import PlaceSide
from passerelles.projects.models import Participation, Project, ProjectPlace
from passerelles.projects.search import search

pytestmark = pytest.mark.django_db


def test_demo_projects_link_both_sides_and_are_deterministic():
    build_organisations(size=120, seed=3)
    first = build_demo(seed=3, size=120, progress=None)
    # About one project per four published organisations.
    assert 20 <= first["projects"] == Project.objects.count() <= 30
    assert "projets de démonstration" in str(first["summary"])
    rows = list(Project.objects.order_by("source_id").values_list("title", "slug"))
    # Every project has a lead here and a partner there in the country of its place there.
    for project in Project.objects.prefetch_related("participations__organisation", "places"):
        roles = {p.role for p in project.participations.all()}
        assert "lead" in roles and "partner_there" in roles
        countries = {p.country_id for p in project.places.all() if p.side == PlaceSide.THERE}
        partners = {
            p.organisation.country_id
            for p in project.participations.all()
            if p.role == "partner_there"
        }
        assert partners <= countries
    here = ProjectPlace.objects.filter(side="here")
    assert not here.filter(department=None).exists()
    # Places here carry a point, so the project map draws the line to there.
    assert not here.filter(lat=None).exists()
    # Searchable right away.
    assert search(Project.objects.all(), rows[0][0].split()[0]).exists()

    again = build_demo(seed=3, size=120, progress=None)
    assert again["removed"] == first["projects"]
    assert list(Project.objects.order_by("source_id").values_list("title", "slug")) == rows
    assert Participation.objects.count() == first["participations"]
