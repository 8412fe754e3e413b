"""``marketplace.core.daphne_tuning``: the websocket factory Daphne builds gives its protocol
options to the protocol's class, once, so connections carry no copies of them; options set
later reach the next connection; autobahn's per-connection and per-frame debug text is made
only if written. (The real Daphne process is in test_daphne_limits.py: its 1009 close rests on these
options reaching the connection.)"""

from __future__ import annotations

from unittest import mock

import autobahn.twisted.websocket
import autobahn.util
import autobahn.websocket.protocol

from marketplace.core import daphne_tuning


class _Server:
    """What Daphne's factory is built with (nothing of it is used here)."""


def test_options_reach_each_connection_through_the_class():
    daphne_tuning.install()
    factory = daphne_tuning.TunedWebSocketFactory(_Server, server="test")
    factory.setProtocolOptions(autoPingTimeout=7, openHandshakeTimeout=12)
    first, second = factory.buildProtocol(None), factory.buildProtocol(None)
    assert type(first) is type(second)  # one class for every connection
    assert first.factory is factory
    assert (first.autoPingTimeout, first.openHandshakeTimeout, first.failByDrop) == (7, 12, False)
    names = set(first.CONFIG_ATTRS)
    assert names <= set(vars(type(first)))
    # autobahn copies an option onto the connection only when the protocol lacks it.
    assert all(hasattr(first, name) for name in names)
    assert not names & set(vars(first))

    # A function option is called as the connection's own attribute, not as a method.
    assert first.perMessageCompressionAccept([]) is None

    factory.setProtocolOptions(autoPingTimeout=3)  # later options: the next connection has them
    third = factory.buildProtocol(None)
    assert third.autoPingTimeout == 3 and first.autoPingTimeout == 7


def test_the_debug_text_is_made_when_written():
    daphne_tuning.install()
    made = autobahn.websocket.protocol.pformat([("autoPingTimeout", 7, "Factory")])
    assert f"{made}" == "[('autoPingTimeout', 7, 'Factory')]" == str(made)


def test_the_per_frame_debug_values_are_made_when_written():
    daphne_tuning.install()
    real = autobahn.util.hl
    for module in (autobahn.websocket.protocol, autobahn.twisted.websocket):
        with mock.patch.object(autobahn.util, "hl", side_effect=real) as styled:
            name, value = (
                module.hltype(test_options_reach_each_connection_through_the_class),
                module.hlval(7),
            )
            assert not styled.called  # as a frame is sent: nothing made
            assert f"{name}" == autobahn.util.hltype(
                test_options_reach_each_connection_through_the_class
            )
            assert str(value) == real("7", color="white", bold=True)
            assert styled.called
