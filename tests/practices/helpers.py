import html
import re


def page(response) -> str:
    """What a person reads: the page's text with the HTML entities decoded ("l'eau", not
    "l&#x27;eau")."""
    return html.unescape(response.content.decode())


def words_of(response) -> str:
    """The page's text without its tags (a sentence made of links reads as one)."""
    return re.sub(r"<[^>]+>", "", page(response))
