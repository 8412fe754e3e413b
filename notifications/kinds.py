"""Each kind's defaults, where a person has set no preference."""

from __future__ import annotations

from .models import Channel, Kind, Mode

# E-mail at once, except the subscription matches (a daily digest: they can be many).
EMAIL_DEFAULTS: dict[str, str] = dict.fromkeys(Kind.values, Mode.INSTANT)
EMAIL_DEFAULTS[Kind.TENDER_MATCH] = Mode.DIGEST

# In the app: everything is listed.
IN_APP_DEFAULTS: dict[str, str] = dict.fromkeys(Kind.values, Mode.INSTANT)

# What a channel may be set to: the app lists a notification or not; e-mail may also digest.
CHANNEL_MODES: dict[str, tuple[str, ...]] = {
    Channel.IN_APP: (Mode.INSTANT, Mode.OFF),
    Channel.EMAIL: (Mode.INSTANT, Mode.DIGEST, Mode.OFF),
}


def default(kind: str, channel: str) -> str:
    return (IN_APP_DEFAULTS if channel == Channel.IN_APP else EMAIL_DEFAULTS)[kind]
