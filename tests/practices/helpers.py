import html


def page(response) -> str:
    """What a person reads: the page's text with the HTML entities decoded ("l'eau", not
    "l&#x27;eau")."""
    return html.unescape(response.content.decode())
