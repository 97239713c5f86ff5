"""Moving rows from a merged duplicate to the record kept, for the receivers of
core.signals.records_merged."""

from django.db.models import Q, UniqueConstraint


def _uniques(model, field_name: str) -> list[tuple[tuple[str, ...], Q | None]]:
    """The unique rules of `model` that involve `field_name`: (fields, condition)."""
    rules = []
    field = model._meta.get_field(field_name)
    if field.unique:
        rules.append(((field_name,), None))
    for together in model._meta.unique_together:
        if field_name in together:
            rules.append((tuple(together), None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and field_name in constraint.fields:
            rules.append((tuple(constraint.fields), constraint.condition))
    return rules


def repoint(model, field_name: str, old, new) -> tuple[int, int]:
    """Point the rows of `model` whose `field_name` is `old` at `new` instead. A row that would
    then break a unique rule (the kept record already has the same membership, vote, pair…)
    is deleted: the kept record's row wins. Returns (moved, dropped)."""
    old_pk, new_pk = getattr(old, "pk", old), getattr(new, "pk", new)
    field = model._meta.get_field(field_name)
    attname = field.attname
    rules = _uniques(model, field_name)
    manager = model._base_manager
    moved = dropped = 0
    for row in manager.filter(**{attname: old_pk}):
        clash = False
        for fields, condition in rules:
            values = {
                model._meta.get_field(name).attname: getattr(
                    row, model._meta.get_field(name).attname
                )
                for name in fields
                if name != field_name
            }
            twins = manager.filter(**values, **{attname: new_pk})
            if condition is not None:
                if not manager.filter(condition, pk=row.pk).exists():
                    continue  # the rule does not apply to this row
                twins = twins.filter(condition)
            if twins.exists():
                clash = True
                break
        if clash:
            row.delete()
            dropped += 1
        else:
            manager.filter(pk=row.pk).update(**{attname: new_pk})
            moved += 1
    return moved, dropped
