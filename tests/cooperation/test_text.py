"""Co-construction texts are plain (docs/decisions.md, "One text layer"): whatever path a text
takes (a page's form, the API), markup is taken out and entities decoded; the forms refuse
pasted code with a message. Line breaks stay where a text has several lines."""

import pytest

from passerelles.cooperation import forms, services
from tests.cooperation.factories import OBJECTIVES, adopted, first_version, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_a_purpose_version_and_its_objectives_are_plain_text(w):
    version = services.new_version(
        w.space,
        "<p>Que les paysannes <strong>restent maîtres</strong> de leurs semences,</p>"
        "<p>ici &amp; là-bas.</p>",
        ["<b>Deux</b> maisons de semences", "  ", "Former 40 paysannes &amp; paysans"],
        w.lead_user,
        member=w.lead,
        note="Version &#x27;courte&#x27;",
    )
    assert version.text == ("Que les paysannes restent maîtres de leurs semences,\n\nici & là-bas.")
    assert version.objectives == ["Deux maisons de semences", "Former 40 paysannes & paysans"]
    assert version.note == "Version 'courte'"


def test_comments_answers_actions_and_contributions_are_plain_text(w):
    version = first_version(w)
    comment = services.add_comment(
        version, w.member, "Merci !\r\n<i>Bravo</i> &amp; à bientôt", w.member_user
    )
    assert comment.text == "Merci !\nBravo & à bientôt"
    rnd = services.open_round(version, w.lead_user, member=w.lead)
    response = services.answer(
        rnd, w.partner, "objection", "<p>Pas assez &lt;clair&gt;</p>", w.partner_user
    )
    assert response.reason == "Pas assez <clair>"
    w2 = world()  # actions need an adopted purpose: another space
    adopted(w2)
    action = services.add_action(
        w2.space,
        w2.lead,
        w2.member,
        0,
        "<b>Maison</b> de semences",
        w2.lead_user,
        description="Ligne 1\nLigne <em>2</em>",
    )
    assert (action.title, action.description) == ("Maison de semences", "Ligne 1\nLigne 2")
    contribution = services.add_contribution(
        w2.space,
        w2.lead,
        w2.lead,
        w2.partner,
        "expertise",
        0,
        "Formation &amp; suivi",
        w2.lead_user,
        learned="<p>Beaucoup</p>",
    )
    assert (contribution.description, contribution.learned) == ("Formation & suivi", "Beaucoup")


def test_the_forms_refuse_pasted_code_with_a_message(w):
    form = forms.CommentForm(
        {"member": w.member.pk, "text": "Voir <script>alert(1)</script>"}, members=[w.member]
    )
    assert not form.is_valid()
    assert "Ce texte contient du code" in form.errors["text"][0]
    form = forms.VersionForm(
        {
            "member": w.lead.pk,
            "text": "Un texte\r\nsur deux lignes",
            "objectives": "\n".join(OBJECTIVES),
        },
        members=[w.lead],
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "Un texte\nsur deux lignes"
    assert form.cleaned_data["objectives"] == OBJECTIVES
