"""ASGI entry point: HTTP through Django, websockets through Channels (served by Daphne)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from marketplace.core import daphne_tuning  # noqa: E402
from marketplace.core.gc_tuning import tune_for_serving  # noqa: E402
from marketplace.core.ws_auth import AuthStack  # noqa: E402
from marketplace.routing import websocket_urlpatterns  # noqa: E402

daphne_tuning.install()  # 1009 for an oversize frame; leaner connections (see there)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthStack(URLRouter(websocket_urlpatterns))),
    }
)

tune_for_serving()  # everything is imported: out of the cyclic collector's sight (see there)
