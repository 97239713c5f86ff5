from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from passerelles.api.api import api

urlpatterns = [
    path("", include("passerelles.site.urls")),
    path("", include("passerelles.core.urls")),
    path("annuaire/", include("passerelles.actors.urls")),
    path("projets/", include("passerelles.projects.urls")),
    path("atlas/", include("passerelles.projects.urls_atlas")),
    path("donnees/", include("passerelles.opendata.urls")),
    # bridges mounts its own prefixes: partenaires/, enjeux/, appels/
    path("", include("passerelles.bridges.urls")),
    path("espaces/", include("passerelles.cooperation.urls")),
    path("evenements/", include("passerelles.events.urls")),
    path("groupes/", include("passerelles.groups.urls")),
    path("observatoire/", include("passerelles.observatory.urls")),
    # enquetes/ (staff) and enquete/<token>/ (the personal link)
    path("", include("passerelles.surveys.urls")),
    path("accompagnement/", include("passerelles.accompaniment.urls")),
    path("appels-a-projets/", include("passerelles.grants.urls")),
    path("pratiques/", include("passerelles.practices.urls")),
    path("compte/rattachement/", include("passerelles.actors.urls_membership")),
    path("compte/", include("passerelles.users.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Temporary database trouble (locked, read-only, full, connection lost) answers 503 with a
# retry message; anything else keeps the 500 page (passerelles.core.resilience).
handler500 = "passerelles.core.resilience.server_error"
# Under /api/, an address no operation serves answers in JSON like the operations do.
handler404 = "passerelles.api.errors.page_not_found"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
