"""How long a text a person may write, by kind (issue 13: a 4 MB description was stored).

Every free text a person types has a maximum length, set as `max_length` on its model field:
Django then checks it in every form built from the field (with its French message, "Assurez-vous
que cette valeur comporte au plus … caractères (actuellement …)"), the API schemas declare it
(a longer value answers 422 naming the field), and the imports reject the row with the same
message. Nothing is ever cut silently. tests/core/test_text_limits.py fails on any model
TextField left without a limit, unless it is written by the machine (listed there, with why).

The numbers leave room for what people really write (an A4 page is about 3,000 characters)
while keeping a page, an e-mail or an export of any record reasonable.
"""

# A reason, a message, a comment, a note, accessibility needs: a few sentences.
SHORT_TEXT = 2_000

# Plain text on several lines: what an organisation offers or seeks, a purpose and its
# amendments, a session's description. A few pages.
TEXT = 10_000

# A description in rich text: as typed (Markdown), and as stored (sanitised HTML, its markup
# included: a paragraph costs 7 characters of tags). Some ten pages.
RICH_TEXT = 30_000

# A name in the referentials (the longest SDG target label runs to 670 characters).
REFERENTIAL_NAME = 1_000


def field_limit(model, name: str) -> int | None:
    """The longest text the field `name` of `model` takes: forms, API schemas and services
    read the limit from the model, so it is set in one place."""
    return model._meta.get_field(name).max_length
