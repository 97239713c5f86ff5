from django.conf import settings


def site(request):
    return {
        "network_name": settings.PASSERELLES_NETWORK_NAME,
        # AGPL-3.0 §13: users of a network service are offered its source code.
        "source_url": settings.PASSERELLES_SOURCE_URL,
    }
