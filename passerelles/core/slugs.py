"""Unique slugs for rows created one by one or many at once."""

from django.utils.text import slugify


def slug_base(text: str, fallback: str, length: int) -> str:
    return slugify(text)[:length] or fallback


def unique_slug(model, base: str, *, exclude_pk=None, reserved=frozenset()) -> str:
    """`base`, or `base-2`, `base-3`… the first one no other row of `model` uses."""
    slug, n = base, 2
    others = model._base_manager.exclude(pk=exclude_pk) if exclude_pk else model._base_manager
    while slug in reserved or others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def allocate_slugs(model, objects: list, base_of, reserved=frozenset()) -> None:
    """Give each new object the slug `unique_slug` would (base, base-2, …), in a query or two
    per batch rather than one or more per object."""
    if not objects:
        return
    bases = [base_of(obj) for obj in objects]
    taken = set(reserved)
    taken.update(model._base_manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
    widened: set[str] = set()
    for obj, base in zip(objects, bases, strict=True):
        if base in taken and base not in widened:
            # Collision: read the numbered variants already used, once per base.
            rows = model._base_manager.filter(slug__startswith=f"{base}-")
            taken.update(rows.values_list("slug", flat=True))
            widened.add(base)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        obj.slug = slug
