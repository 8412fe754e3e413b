"""The live auction room over websockets (protocol v1, see docs/websocket.md).

The consumer speaks the protocol only: it checks who is connecting, sends the viewer's snapshot,
turns client frames into calls of the same services the REST API uses (in a thread, through
``marketplace.core.asyncdb.db_async``), and forwards the lot's changes. A change arrives once per lot as a
snapshot (``broadcast.lot_changed_now``) and is rendered here for this viewer with the pure
``standing.render``: no database query per recipient.
"""

from __future__ import annotations

import contextlib
import json
import logging
from decimal import Decimal

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.core import loop_db
from marketplace.core.asyncdb import db_async
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.times import iso_utc, now_iso
from marketplace.core.ws_auth import socket_language
from marketplace.platforms.hosts import brand_for_host, own_hosts, scope_host
from marketplace.verification.selectors import company_trade_block_reason

from .. import opendata, selectors
from ..bidding.outcomes import BidRequest
from ..bidding.proxy import proxy_clear, proxy_set
from ..bidding.withdraw import bid_withdraw
from ..models import Lot, LotStatus
from ..standing import Viewer, ladder_entries, render
from . import bid_batches, connect_reads
from .broadcast import company_group, lot_group
from .hub import hub
from .snapshot_cache import snapshot_cached, snapshot_shared

logger = logging.getLogger(__name__)

PROTOCOL = 1
SUBPROTOCOL = "tradefloor.v1"
# Close codes (4000-4999 are the application's).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_SLOW = 4408
CLOSE_BAD_PROTOCOL = 4400

MAX_FRAME_BYTES = 4096


def max_unacked() -> int:
    """Frames a client may fall behind its acknowledgements before it is dropped as too slow."""
    return getattr(settings, "AUCTION_WS_MAX_UNACKED", 200)


def _json(value) -> str:
    return json.dumps(value, default=lambda v: str(v) if isinstance(v, Decimal) else iso_utc(v))


_LADDER = "\x00ladder\x00"  # stands for the ladder in a frame's text (no stored text holds NUL)
_LADDER_JSON = json.dumps(_LADDER)
_NOBODY = -1  # an application id no entry has (ids are positive): every entry's "me" is false


def standing_text(frame: dict, snapshot: dict, viewer: Viewer, cache: dict) -> str:
    """``_json({**frame, "view": render(snapshot, viewer)})``, the same text, made faster for
    many sockets: a ladder is the bulk of a frame, and suppliers' ladders differ only in which
    entry is their own. So each entry's text is made once per change (in ``cache``, which the
    hub keeps for one change) and each viewer's ladder is joined from them."""
    wanted = []

    def ladder(entries, *, names, me):
        wanted.append((entries, names, me))
        return _LADDER

    text = _json({**frame, "view": render(snapshot, viewer, ladder=ladder)})
    if not wanted:
        return text
    entries, names, me = wanted[0]
    key = ("ladder", names, me is None)
    parts = cache.get(key)
    if parts is None:
        parts = cache[key] = [
            _json(e)
            for e in ladder_entries(entries, names=names, me=None if me is None else _NOBODY)
        ]
    if me is not None:
        for k, entry in enumerate(entries):
            if entry["application"] == me:
                own = _json(ladder_entries([entry], names=names, me=me)[0])
                parts = [*parts[:k], own, *parts[k + 1 :]]
                break
    return text.replace(_LADDER_JSON, "[" + ", ".join(parts) + "]", 1)


async def _open(user, lot_id: int, platform_scope: int | None):
    """Everything a socket needs to open: who the viewer is (``_check_access``), the lot's
    snapshot (the one this process made at the lot's chain head if it has it,
    ``snapshot_cache``, else read) and the viewer's own bids. On PostgreSQL the fixed
    statements run on the event loop's own connections (``loop_db``): a socket at a lot whose
    snapshot is cached opens with no thread at all. Otherwise (SQLite, an observer, whose rules
    need the ORM), one hop to a database thread does it all."""
    if not loop_db.available():
        return await _open_in_thread(user, lot_id, platform_scope)
    viewed, bids = await connect_reads.lot_get_viewed_async(user=user, lot_id=lot_id)
    if viewed.viewer is None:  # an observer, or no one: the rules need the ORM
        return await _open_in_thread(user, lot_id, platform_scope, viewed)  # (not read again)
    viewer, company_id = _decided(viewed, platform_scope)
    lot = viewed.lot
    snapshot = None if lot.status == LotStatus.DRAFT else snapshot_cached(lot.pk, _head(lot))
    if snapshot is None:
        snapshot = await db_async(_snapshot_of)(lot)
    return viewer, company_id, snapshot, _listed(bids)


@db_async
def _open_in_thread(
    user, lot_id: int, platform_scope: int | None, viewed: connect_reads.Viewed | None = None
):
    viewer, company_id, lot = _check_access(user, lot_id, platform_scope, viewed)
    return viewer, company_id, _snapshot_of(lot), _own_bids(viewer)


@db_async
def _snapshot(lot_id: int, viewer: Viewer) -> tuple[dict, list[dict]]:
    """The lot's snapshot and the viewer's own bids (a ``resync``)."""
    lot = Lot.objects.only("event_seq", "last_hash", "status").filter(pk=lot_id).first()
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    return _snapshot_of(lot), _own_bids(viewer)


def _snapshot_of(lot: Lot | connect_reads.LotHead) -> dict:
    """The snapshot this process made at the lot's chain head if it has it, else read once for
    every socket asking at that head (``snapshot_shared``). ``lot``: its status and chain head
    read. A draft's is always read: its edits move no chain head."""

    def read() -> tuple[tuple[int, str], dict]:
        lot_read = selectors.lot_get(lot_id=lot.pk)
        return _head(lot_read), selectors.lot_snapshot(lot=lot_read)

    if lot.status == LotStatus.DRAFT:
        return read()[1]
    return snapshot_shared(lot.pk, _head(lot), read)


def _head(lot: Lot | connect_reads.LotHead) -> tuple[int, str]:
    return lot.event_seq, lot.last_hash or ""


@db_async
def _host_scope(host: str) -> int | None:
    """The platform a socket opened on a brand's host is confined to (the HTTP middleware's
    lookup, ``BrandHostMiddleware``), or None."""
    brand = brand_for_host(host)
    return brand.platform_id if brand is not None else None


@db_async
def _access(user, lot_id: int, platform_scope: int | None = None):
    return _check_access(user, lot_id, platform_scope)


def _check_access(
    user, lot_id: int, platform_scope: int | None = None, viewed: connect_reads.Viewed | None = None
):
    """(viewer, supplier company id or None, lot) for a user allowed to watch the lot: its
    buyer, its platform's admins and its admitted suppliers, or anyone (an observer) while the
    tender lets the public watch the auction live. On a brand's host (``platform_scope``) a
    lot of another platform is refused as an unknown lot is. The lot and the viewer are one
    statement (``connect_reads``; ``viewed``: that statement's answer, read already); the lot
    returned has only its chain head and status read."""
    if viewed is None:
        viewed = connect_reads.lot_get_viewed(user=user, lot_id=lot_id)
    if viewed.viewer is None and _in_scope(viewed.lot, platform_scope):
        if not opendata.lot_watchable_by(user=user, lot=selectors.lot_get(lot_id=lot_id)):
            raise NotFoundError(_("No such lot."), code="lot_not_found")
        return Viewer(role="observer"), None, viewed.lot
    viewer, company_id = _decided(viewed, platform_scope)
    return viewer, company_id, viewed.lot


def _in_scope(lot: connect_reads.LotHead, platform_scope: int | None) -> bool:
    return platform_scope is None or lot.platform_id == platform_scope


def _decided(viewed: connect_reads.Viewed, platform_scope: int | None) -> tuple[Viewer, int | None]:
    """(viewer, supplier company id or None) for one who is the lot's buyer, one of its
    platform's admins or an admitted supplier of a company that may trade; raises for anyone
    else (an observer is ``_check_access``'s to decide)."""
    if viewed.viewer is None or not _in_scope(viewed.lot, platform_scope):
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    if viewed.supplier is None:
        return viewed.viewer, None
    blocked = company_trade_block_reason(  # read with the lot
        viewed.supplier, fresh=True, expired_document=viewed.expired_document
    )
    if blocked is not None:
        raise ApplicationError(blocked[1], code="company_not_verified", status_code=403)
    return viewed.viewer, viewed.supplier.pk


def _own_bids(viewer: Viewer) -> list[dict]:
    """A supplier's own bids (``lot_bids_for``'s for a supplier); none for the other roles."""
    if viewer.role != "supplier" or viewer.application_id is None:
        return []
    return _listed(connect_reads.own_bids(application_id=viewer.application_id))


def _listed(bids: list[dict]) -> list[dict]:
    """Own bids as the snapshot frame lists them."""
    return [
        {**bid, "amount": str(bid["amount"]), "placed_at": iso_utc(bid["placed_at"])}
        for bid in bids
    ]


async def _call(fn, **kwargs):
    """Run a service in the shared thread pool, not the single thread Django's thread-sensitive
    default uses: bids on different lots then wait on the database side by side (each thread
    has its own connection; bids on one lot serialise on its row lock, as they must)."""
    return await db_async(lambda: fn(**kwargs))()


class LotConsumer(AsyncWebsocketConsumer):
    """One participant's connection to one lot. It has no channel of its own: the process's
    hub (``auctions.hub``) receives the lot's changes once and calls ``lot_changed`` here."""

    channel_layer_alias = "none: the hub subscribes for the whole process"

    lot_id: int
    viewer: Viewer | None = None
    company_id: int | None = None
    last_seq: int = -1
    sent: int = 0
    acked: int = 0
    closing: bool = False
    language: str = "en"
    platform_scope: int | None = None  # a brand's host's platform: its lots only
    ready: bool = False  # the snapshot has been sent
    held: dict | None = None  # the newest change that arrived before it
    presence_sent: list[int] | None = None  # the last presence frame's suppliers
    joined: bool = False  # a member of the lot's group in the hub

    async def __call__(self, scope, receive, send):
        """Channels' ``AsyncConsumer.__call__`` for a consumer with no channel of its own (the
        hub receives for the process): the client's messages dispatched one by one, as there.
        Channels' ``await_many_dispatch`` keeps a second task and an ``asyncio.wait`` per socket
        for its sources though there is one: memory per idle socket (``make bench``'s idle)."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        with contextlib.suppress(StopConsumer):  # the socket closed
            while True:
                await self.dispatch(await receive())

    async def dispatch(self, message):
        """Channels' ``dispatch`` first closes the stale database connections of its one
        thread-sensitive thread, a hop to that thread and back for every frame a client sends.
        This consumer never uses that thread's connections: its database work runs through
        ``db_async``, which closes stale connections around each call. So the handler runs
        straight away (on the hot lot the hop was a thread wake-up per bid)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connection ------------------------------------------------------------------------

    async def connect(self):
        self.lot_id = int(self.scope["url_route"]["kwargs"]["lot_id"])
        user = self.scope.get("user")
        self.language = socket_language(self.scope, user)
        host = scope_host(self.scope)
        if host and host not in own_hosts():  # Tradefloor's own host: no lookup, no hop
            self.platform_scope = await _host_scope(host)
        with translation.override(self.language):
            await self._connect(user)

    async def _connect(self, user):
        subprotocol = SUBPROTOCOL if SUBPROTOCOL in self.scope.get("subprotocols", []) else None
        anonymous = not user or not user.is_authenticated
        # Subscribe first, then check and read (one hop): a change committed after the read is
        # held (``lot_changed`` before ``ready``) and sent after the snapshot if it is newer.
        self.joined = True
        await hub().join(lot_group(self.lot_id), self)
        try:
            viewer, self.company_id, snapshot, bids = await _open(
                user, self.lot_id, self.platform_scope
            )
        except ApplicationError as exc:
            self.joined = False
            await hub().leave(lot_group(self.lot_id), self)
            await self.accept(subprotocol)
            if anonymous:  # not a lot the public may watch: log in first
                await self._refuse(CLOSE_UNAUTHENTICATED, "not_authenticated", _("Log in first."))
                return
            code = CLOSE_NOT_FOUND if exc.status_code == 404 else CLOSE_FORBIDDEN
            await self._refuse(code, exc.code, exc.message)
            return
        await self.accept(subprotocol)
        self.viewer = viewer
        if self.company_id:
            await hub().join(company_group(self.company_id), self)
            if await hub().presence.change(self.lot_id, self.viewer.application_id, +1):
                hub().presence_announce(self.lot_id)
        hub().note_snapshot(self.lot_id, snapshot)
        await self._send_snapshot(snapshot, bids, reason="connect")
        self.ready = True
        if self.held is not None:
            held, self.held = self.held, None
            await self.lot_changed(held)
        if self.viewer.role in ("buyer", "admin"):
            await self.presence_changed({})

    async def _refuse(self, code: int, error: str, message: str):
        """Say why, then close: browsers do not show a close reason, a frame they do."""
        await self.send(_json({"type": "refused", "code": error, "message": message}))
        await self.close(code=code, reason=message[:120])

    async def disconnect(self, code):
        if self.joined:  # also a socket closed while its access was being checked
            self.joined = False
            await hub().leave(lot_group(self.lot_id), self)
        if self.viewer is None:
            return
        if self.company_id:
            await hub().leave(company_group(self.company_id), self)
            if await hub().presence.change(self.lot_id, self.viewer.application_id, -1):
                hub().presence_announce(self.lot_id)

    # --- sending -----------------------------------------------------------------------------

    async def _emit(self, message: dict | str):
        if self.closing:
            return
        self.sent += 1
        if self.sent - self.acked > max_unacked():
            # The client stopped reading (or acknowledging): drop it, it will reconnect and
            # resync, and the others are not slowed by its backlog.
            self.closing = True
            await self.close(code=CLOSE_TOO_SLOW, reason="too slow; reconnect and resync")
            return
        await self.send(message if isinstance(message, str) else _json(message))

    def _connected_viewer(self) -> Viewer:
        """The viewer, set as the socket connects, before it subscribes or sends anything."""
        if self.viewer is None:
            raise RuntimeError(f"lot {self.lot_id}: a socket with no viewer yet")
        return self.viewer

    async def _send_snapshot(self, snapshot: dict, bids: list[dict], *, reason: str):
        viewer = self._connected_viewer()
        view = render(snapshot, viewer)
        self.last_seq = snapshot["seq"]
        await self._emit(
            {
                "type": "snapshot",
                "protocol": PROTOCOL,
                "reason": reason,
                "seq": snapshot["seq"],
                "server_time": now_iso(),
                "role": viewer.role,
                "view": view,
                "bids": bids,
            }
        )

    async def tick(self, now_text: str, cache: dict):
        """The hub's countdown tick (one task per lot per process, not one per socket)."""
        if not self.ready:
            return
        text = cache.get(self.last_seq)
        if text is None:
            text = cache[self.last_seq] = _json(
                {"type": "tick", "seq": self.last_seq, "server_time": now_text}
            )
        await self._emit(text)

    # --- group messages ----------------------------------------------------------------------

    async def lot_changed(self, message: dict, cache: dict | None = None):
        """Send this viewer's view of a change. ``cache`` (from the hub, one per change) holds
        the frames already made for other sockets with the same view."""
        snapshot = message["snapshot"]
        if not self.ready:
            if self.held is None or message["seq"] > self.held["seq"]:
                self.held = message  # the snapshot is on its way; this may be newer
            return
        if snapshot["seq"] <= self.last_seq:
            return  # an older state than the one this client already has
        prev, self.last_seq = self.last_seq, snapshot["seq"]
        viewer = self._connected_viewer()
        key = (viewer.role, viewer.application_id, prev)
        text = cache.get(key) if cache is not None else None
        if text is None:
            text = standing_text(
                {
                    "type": "standing",
                    "seq": snapshot["seq"],
                    "prev": prev,
                    "kinds": message.get("kinds", []),
                    "server_time": now_iso(),
                },
                snapshot,
                viewer,
                {} if cache is None else cache,
            )
            if cache is not None:
                cache[key] = text
        await self._emit(text)

    @property
    def watches_presence(self) -> bool:
        """Who is connected is the buyer's side's to see."""
        return self.ready and self.viewer is not None and self.viewer.role in ("buyer", "admin")

    async def presence_changed(self, message: dict):
        if self.watches_presence:
            await self.presence_refresh(await hub().presence.connected(self.lot_id), always=True)

    async def presence_refresh(self, connected: list[int], *, always: bool = False):
        """Send who is connected; from the hub's tick (``always`` false) only when it changed."""
        if always or connected != self.presence_sent:
            self.presence_sent = connected
            await self._emit({"type": "presence", "connected": connected})

    async def access_changed(self, message: dict):
        with translation.override(self.language):
            try:
                await _access(self.scope["user"], self.lot_id, self.platform_scope)
            except ApplicationError as exc:
                await self._refuse(CLOSE_FORBIDDEN, exc.code, exc.message)

    # --- client frames -----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        """Messages (errors, refusals) in the person's own language."""
        with translation.override(self.language):
            await self._receive(text_data)

    async def _receive(self, text_data):
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            await self._error(None, "bad_frame", _("Send JSON text frames of at most 4 KiB."))
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        kind = frame.get("type") if isinstance(frame, dict) else None
        if not isinstance(kind, str):
            await self._error(None, "bad_frame", _('A frame is a JSON object with a "type".'))
            return
        request_id = frame.get("request_id")
        if not isinstance(request_id, str | int | float | None) or isinstance(request_id, bool):
            request_id = None  # echoed back as given: only a scalar
        handler = {
            "bid": self._bid,
            "withdraw": self._withdraw,
            "proxy": self._proxy,
            "resync": self._resync,
            "ping": self._ping,
            "ack": self._ack,
        }.get(kind)
        if handler is None:
            await self._error(
                request_id, "unknown_type", _("Unknown message type %(type)r.") % {"type": kind}
            )
            return
        await handler(frame, request_id)

    async def _error(self, request_id, code: str, message: str):
        await self._emit(
            {"type": "error", "request_id": request_id, "code": code, "message": message}
        )

    async def _ack(self, frame, request_id):
        try:
            self.acked = max(self.acked, min(int(frame.get("count", 0)), self.sent))
        except (TypeError, ValueError):
            await self._error(request_id, "bad_frame", _("ack needs a count of frames read."))

    async def _ping(self, frame, request_id):
        await self._emit({"type": "pong", "request_id": request_id, "server_time": now_iso()})

    async def _resync(self, frame, request_id):
        await self._send_snapshot(*await _snapshot(self.lot_id, self.viewer), reason="resync")

    async def _bid(self, frame, request_id):
        if self.viewer.role != "supplier":
            await self._error(request_id, "not_a_bidder", _("Only admitted suppliers bid."))
            return
        try:
            outcome = await self._place(frame)
        except Exception:  # the database is away (or a fault outside any one bid): say so
            logger.exception("lot %s: a bid could not be placed", self.lot_id)
            outcome = bid_batches.unavailable(self.language)
        if isinstance(outcome, ApplicationError):
            await self._emit(
                {
                    "type": "bid_result",
                    "request_id": request_id,
                    "ok": False,
                    "error": {"code": outcome.code, "message": outcome.message},
                }
            )
            return
        bid = outcome.bid
        await self._emit(
            {
                "type": "bid_result",
                "request_id": request_id,
                "ok": True,
                "duplicate": outcome.duplicate,
                "extended": outcome.extended,
                "bid": {
                    "id": bid.pk,
                    "amount": str(bid.amount),
                    "kind": bid.kind,
                    "client_bid_id": bid.client_bid_id,
                    "placed_at": iso_utc(bid.placed_at),
                },
            }
        )

    async def _place(self, frame):
        """The bid through the lot's queue: its BidResult, or the ApplicationError refusing it."""
        return await hub().bid(
            self.lot_id,
            BidRequest(
                application_id=self.viewer.application_id,
                user=self.scope["user"],
                amount=str(frame.get("amount", "")),
                client_bid_id=str(frame.get("client_bid_id") or ""),
                confirm=bool(frame.get("confirm", False)),
                language=self.language,
            ),
        )

    async def _withdraw(self, frame, request_id):
        await self._command(request_id, bid_withdraw)

    async def _proxy(self, frame, request_id):
        floor = frame.get("floor")
        if floor is None:
            await self._command(request_id, proxy_clear)
        else:
            await self._command(request_id, proxy_set, floor=str(floor))

    async def _command(self, request_id, fn, **kwargs):
        if self.viewer.role != "supplier":
            await self._error(request_id, "not_a_bidder", _("Only admitted suppliers do this."))
            return
        try:
            await _call(fn, lot_id=self.lot_id, user=self.scope["user"], **kwargs)
        except ApplicationError as exc:
            await self._emit(
                {
                    "type": "result",
                    "request_id": request_id,
                    "ok": False,
                    "error": {"code": exc.code, "message": exc.message},
                }
            )
            return
        await self._emit({"type": "result", "request_id": request_id, "ok": True})
