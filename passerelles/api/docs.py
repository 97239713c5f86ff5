"""The API documentation page (/api/v1/docs), served entirely from the site itself.

django-ninja falls back to loading Swagger UI from a CDN whenever `ninja` is missing from
INSTALLED_APPS, and the page is then blank wherever that CDN is unreachable (a partner's
office behind a filtering proxy, an intranet install, a train). Our page always renders our
own template with the Swagger UI files django-ninja ships (`ninja/static/ninja/`, collected
like every static file), never the CDN template; a system check refuses to start without
`ninja` in INSTALLED_APPS, so the files cannot be missing. The page's own words (title,
introduction, links) are in the visitor's language; Swagger UI's controls stay in English,
the only language it ships."""

import json

from django.conf import settings
from django.core import checks
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed

# No call to the public validator badge (validator.swagger.io): nothing leaves the site.
SWAGGER_SETTINGS = {"validatorUrl": None, "tryItOutEnabled": False}


class SiteDocs(Swagger):
    template = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
            "openapi_url": self.settings["url"],
        }
        return render(request, self.template, context)


def docs() -> SiteDocs:
    return SiteDocs(settings=SWAGGER_SETTINGS)


@checks.register()
def swagger_files_are_served(app_configs, **kwargs):
    if "ninja" in settings.INSTALLED_APPS:
        return []
    return [
        checks.Error(
            "'ninja' must be in INSTALLED_APPS: the API documentation serves django-ninja's "
            "Swagger UI files itself (passerelles.api.docs).",
            id="passerelles.api.E001",
        )
    ]
