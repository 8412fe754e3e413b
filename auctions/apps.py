from django.apps import AppConfig


class AuctionsConfig(AppConfig):
    name = "auctions"

    def ready(self) -> None:
        from marketplace.core import daphne_tuning

        from .realtime import bid_workers

        # A websocket server's bid workers start with it, not with its first lot socket.
        daphne_tuning.before_listening.append(bid_workers.prespawn)
