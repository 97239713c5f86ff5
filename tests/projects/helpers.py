"""Posting the project editor from tests: the same form data the API builds from JSON."""

from passerelles.projects.payload import form_data


def post_data(payload: dict, project=None) -> dict:
    data = form_data(payload, project)
    return {key: data.getlist(key) for key in data}
