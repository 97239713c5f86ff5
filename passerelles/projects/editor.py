"""The project editor: the project form and its formsets (participants chosen from the
directory or named on the spot, places here and there, funding lines) validated together, with
the rules that span them. Used by the create and edit pages and by the API, so both accept and
refuse exactly the same things with the same French messages."""

from django.utils.translation import gettext_lazy as _

from passerelles.core.history import ChangeSource, Origin
from passerelles.projects import perms, services
from passerelles.projects.forms import FundingLines, PlacesHere, PlacesThere, ProjectForm
from passerelles.projects.models import Project
from passerelles.projects.participants import NewOrganisations, Participations
from passerelles.projects.validation import cross_errors

# The submit button of a participant row's search box (no JavaScript): fill the list, save
# nothing.
SEARCH_ACTION = "search"


class ProjectEditor:
    def __init__(self, user, project: Project | None = None, data=None):
        self.user = user
        self.project = project if project is not None else Project()
        self.is_new = self.project.pk is None
        self.form = ProjectForm(
            data,
            project=None if self.is_new else self.project,
            can_publish=perms.can_change_publication(user),
        )
        self.participations = Participations(
            data, instance=self.project, prefix="participants", user=user
        )
        self.new_orgs = NewOrganisations(data, prefix="new")
        self.here = PlacesHere(data, instance=self.project, prefix="here")
        self.there = PlacesThere(data, instance=self.project, prefix="there")
        self.funding = FundingLines(data, instance=self.project, prefix="funding")
        self.formsets = [self.participations, self.here, self.there, self.funding]
        self.cross_errors: list[str] = []
        self.not_found = []
        self.new_organisations = []
        self.organisations_not_found = []
        self.search_requested = data is not None and (
            SEARCH_ACTION in data or self._pending_search(data)
        )

    def _pending_search(self, data) -> bool:
        """A search typed (Enter pressed in the box) but no organisation chosen yet on that
        row: show the results rather than save without that participant."""
        return any(
            (data.get(form.add_prefix("search")) or "").strip()
            and not data.get(form.add_prefix("organisation"))
            for form in self.participations.forms
        )

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in [*self.formsets, self.new_orgs]:
            valid = formset.is_valid() and valid
        if not (self.participations.is_valid() and self.new_orgs.is_valid()):
            return False
        # The rules across the lists (validation.cross_errors), as the API applies them.
        self.cross_errors += cross_errors(
            self.user, self.participations.kept(), self.new_orgs.kept()
        )
        return valid and not self.cross_errors

    @property
    def error_count(self) -> int:
        count = len(self.form.errors) + len(self.cross_errors)
        for formset in [*self.formsets, self.new_orgs]:
            count += sum(len(e) for e in formset.errors) + len(formset.non_form_errors())
        return count

    def errors_as_text(self) -> list[str]:
        """Every error as "label : message", for the API."""
        out = list(self.cross_errors)
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            out += [f"{label} : {e}" if name != "__all__" else str(e) for e in errors]
        for title, formset in self.sections():
            out += [f"{title} : {e}" for e in formset.non_form_errors()]
            for i, errors in enumerate(formset.errors):
                for name, messages in errors.items():
                    form = formset.forms[i]
                    label = form.fields[name].label if name in form.fields else ""
                    out += [
                        f"{title} n° {i + 1}, {label} : {m}".replace(", :", " :") for m in messages
                    ]
        return out

    def sections(self):
        return [
            (_("Participants"), self.participations),
            (_("Organisations absentes de l'annuaire"), self.new_orgs),
            (_("Lieux ici"), self.here),
            (_("Lieux là-bas"), self.there),
            (_("Financements"), self.funding),
        ]

    def data_for_actions(self) -> dict:
        """The project's data for passerelles.projects.actions: its fields and its whole
        lists (an edit replaces them; the actions write only what differs)."""
        return {
            **self.form.data_for_actions(),
            "participations": self.participations.participations(),
            "places": [*self.here.places(), *self.there.places()],
            "funding_lines": self.funding.lines(),
        }

    def save(self, base_url: str = "", source=ChangeSource.WEB) -> Project:
        self.project, self.new_organisations = services.save_project(
            None if self.is_new else self.project,
            self.data_for_actions(),
            self.new_orgs.kept(),
            origin=Origin(self.user, source),
            base_url=base_url,
        )
        self.not_found = self.project.places_not_found
        self.organisations_not_found = [o for o in self.new_organisations if o.geocoding_failed]
        return self.project
