from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"

    def ready(self) -> None:
        # Every process that can revoke a token or change a user (web, workers, commands)
        # tells the websocket servers' token caches (``ws_tokens``).
        from marketplace.core import ws_tokens

        ws_tokens.connect_signals()
