"""Changing a space's governance rules: its thresholds, what visitors see, and its colleges
with their quorums. One write for the page (`views.space.governance`) and the API alike, in
one transaction that writes the decision log."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from passerelles.cooperation.enums import LogKind, QuorumKind
from passerelles.cooperation.models import College, CooperationSpace, DecisionLogEntry
from passerelles.cooperation.services import InvalidInput
from passerelles.core.richtext import plain_text

# The rules a lead may change, with their bounds (those of the model's validators).
BOUNDS = {"min_there_percent": (0, 100), "review_months": (1, 120)}
SWITCHES = ("public_purpose", "public_members", "public_indicators", "listed")
QUORUM_MAX = 32767  # the column is a PositiveSmallIntegerField
NAME_MAX = College._meta.get_field("name").max_length


def _rules(rules: dict) -> dict:
    unknown = set(rules) - set(BOUNDS) - set(SWITCHES)
    if unknown:
        raise InvalidInput(_("Règle inconnue : %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, (low, high) in BOUNDS.items():
        value = rules.get(name)
        if value is not None and not (isinstance(value, int) and low <= value <= high):
            raise InvalidInput(
                _("« %(name)s » va de %(low)s à %(high)s.")
                % {"name": name, "low": low, "high": high}
            )
    for name in SWITCHES:
        if rules.get(name) is not None and not isinstance(rules[name], bool):
            raise InvalidInput(_("« %(name)s » vaut vrai ou faux.") % {"name": name})
    return {k: v for k, v in rules.items() if v is not None}


def _college(data: dict, existing: College | None) -> dict:
    """The college's new fields, checked: a name, a known kind of quorum, a share of at most
    100 % (the database refuses more) and a count of at least one answer."""
    merged = {
        "name": existing.name if existing else "",
        "required": existing.required if existing else False,
        "quorum_kind": existing.quorum_kind if existing else QuorumKind.SHARE,
        "quorum": existing.quorum if existing else 50,
        **{k: v for k, v in data.items() if k != "id" and v is not None},
    }
    merged["name"] = plain_text(merged["name"])
    if not merged["name"]:
        raise InvalidInput(_("Chaque collège a un nom."))
    if len(merged["name"]) > NAME_MAX:
        raise InvalidInput(
            _("Le nom d'un collège compte %(limit)s caractères au plus.") % {"limit": NAME_MAX}
        )
    if merged["quorum_kind"] not in QuorumKind.values:
        raise InvalidInput(_("Le quorum est une part (share) ou un nombre (count)."))
    quorum = merged["quorum"]
    if merged["quorum_kind"] == QuorumKind.SHARE and not 0 <= quorum <= 100:
        raise InvalidInput(
            _("Le quorum du collège « %(name)s » est une part : de 0 à 100 %%.") % merged
        )
    if merged["quorum_kind"] == QuorumKind.COUNT and not 1 <= quorum <= QUORUM_MAX:
        raise InvalidInput(
            _("Le quorum du collège « %(name)s » est un nombre de réponses : au moins 1.") % merged
        )
    return merged


@transaction.atomic
def set_governance(space, user, *, member=None, rules=None, colleges=None) -> CooperationSpace:
    """Change the rules given in `rules` (a dict of the fields in BOUNDS and SWITCHES) and the
    colleges given in `colleges` (dicts with `name`, `required`, `quorum_kind`, `quorum`, and
    the `id` of a college of this space to change it, none to add one). What is not given
    stays as it is; colleges are never removed here (members sit in them)."""
    rules = _rules(rules or {})
    space = CooperationSpace.objects.select_for_update().get(pk=space.pk)
    current = {c.pk: c for c in space.colleges.all()}
    planned = []
    for data in colleges or ():
        pk = data.get("id")
        if pk is not None and pk not in current:
            raise InvalidInput(
                _("Le collège n°%(id)s n'est pas un collège de cet espace.") % {"id": pk}
            )
        planned.append((current.get(pk), _college(data, current.get(pk))))
    names = {c.pk: c.name for c in current.values()}
    for index, (existing, fields) in enumerate(planned):
        names[existing.pk if existing else f"new-{index}"] = fields["name"]
    if len(set(names.values())) < len(names):
        raise InvalidInput(_("Deux collèges de l'espace portent le même nom."))

    for name, value in rules.items():
        setattr(space, name, value)
    if rules:
        space.save(update_fields=list(rules))
    order = max((c.order for c in current.values()), default=-1)
    try:
        # Two colleges swapping names pass the check above but meet the unique constraint
        # half-way: refused in words, nothing written.
        with transaction.atomic():
            for existing, fields in planned:
                if existing is None:
                    order += 1
                    College.objects.create(space=space, order=order, **fields)
                else:
                    for name, value in fields.items():
                        setattr(existing, name, value)
                    existing.save(update_fields=list(fields))
    except IntegrityError as error:
        raise InvalidInput(
            _(
                "Deux collèges ne peuvent pas échanger leurs noms en une fois : "
                "renommez-les l'un après l'autre."
            )
        ) from error
    DecisionLogEntry.record(
        space,
        LogKind.GOVERNANCE,
        _("Règles : au moins %(p)s %% de membres de là-bas ; collèges : %(c)s.")
        % {
            "p": space.min_there_percent,
            "c": ", ".join(
                f"{c.name} ({c.quorum_label}{', ' + _('requis') if c.required else ''})"
                for c in space.colleges.all()
            ),
        },
        user=user,
        member=member,
    )
    return space
