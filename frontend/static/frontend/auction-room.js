// The live auction room (supplier) and live console (buyer, platform admin).
//
// It speaks the websocket protocol v1 (docs/websocket.md) and renders what the server says: the
// viewer's view arrives whole in every `snapshot` and `standing`, so this module holds no
// auction rule. Deadlines are counted from the server's clock (`server_time`), never the
// browser's. While the socket is down every price is blanked and bidding is off, so a stale
// price is never on screen; on reconnect the server's snapshot redraws everything.

const $ = (id) => document.getElementById(id);
const config = JSON.parse($("room-config").textContent);
const T = config.text;
// label -> the supplier's standing with the buyer (the console's applications; none for suppliers)
const standingByLabel = new Map((config.applications || []).map((a) => [a.label, a.standing]));
const root = $("room");
const isSupplier = config.role === "supplier";

// --- Money and time ----------------------------------------------------------------------------
// Amounts as the pages and the server's messages write them (money.js, from config.money).
const M = config.money;
const money = window.tfMoney(M);
const axisFormat = new Intl.NumberFormat(config.locale, { notation: "compact", maximumFractionDigits: 3 });
// Times in the person's time zone (its profile's), as the server's pages show them.
const timeFormat = new Intl.DateTimeFormat(config.locale, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: config.time_zone || undefined,
});

// Decimal strings to integer minor units and back, for the two-step quick bid (no floats).
const toCents = (s) => {
  const [whole, frac = ""] = String(s).split(".");
  const negative = whole.startsWith("-");
  const cents = BigInt(whole.replace("-", "") || "0") * 100n + BigInt((frac + "00").slice(0, 2));
  return negative ? -cents : cents;
};
const fromCents = (c) => {
  const negative = c < 0n;
  const abs = negative ? -c : c;
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
  return negative ? `-${text}` : text;
};

let clockOffset = 0; // server time minus browser time, in ms
const serverNow = () => Date.now() + clockOffset;
const syncClock = (serverTime) => {
  if (serverTime) clockOffset = Date.parse(serverTime) - Date.now();
};

// --- State ---------------------------------------------------------------------------------------
let socket = null;
let connected = false;
let retry = 0;
let seq = null; // the seq of the last frame this connection delivered
let frames = 0; // frames read on this connection, for `ack`
let view = null;
let wasLeading = null;
let wasMyTurn = false; // the rounds format: the last view was in the person's own turn
let requestCounter = 0;
const pending = new Map(); // request_id -> {amount, confirm}
let chart = null;

// --- Connection ----------------------------------------------------------------------------------
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${config.ws_path}`, ["tradefloor.v1"]);
  socket.addEventListener("open", () => {
    retry = 0;
    frames = 0;
  });
  socket.addEventListener("message", (event) => {
    frames += 1;
    if (frames % 50 === 0) send({ type: "ack", count: frames });
    handle(JSON.parse(event.data));
  });
  socket.addEventListener("close", (event) => {
    setConnected(false);
    if (event.code === 4401 || event.code === 4404 || event.code === 4403) {
      showRefused(event.reason);
      return;
    }
    const delay = Math.min(10000, 500 * 2 ** retry) + Math.random() * 300;
    retry += 1;
    setTimeout(connect, delay);
  });
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

function setConnected(on) {
  connected = on;
  root.dataset.connection = on ? "live" : "reconnecting";
  $("connection").textContent = on ? T.connected : T.reconnecting;
  if (!on) {
    view = null;
    seq = null;
    blank();
  }
}

function showRefused(reason) {
  root.dataset.connection = "refused";
  $("connection").textContent = reason || T.refused;
}

// --- Frames --------------------------------------------------------------------------------------
function handle(frame) {
  switch (frame.type) {
    case "snapshot":
      syncClock(frame.server_time);
      seq = frame.seq;
      setConnected(true);
      if (isSupplier) renderOwnBids(frame.bids || [], frame.view);
      apply(frame.view);
      break;
    case "standing":
      syncClock(frame.server_time);
      if (seq !== null && frame.prev !== seq) {
        // A frame went missing: the view in hand is still the newest, but ask for a snapshot.
        send({ type: "resync", since: seq });
      }
      seq = frame.seq;
      apply(frame.view);
      break;
    case "tick":
      syncClock(frame.server_time);
      break;
    case "bid_result":
      onBidResult(frame);
      break;
    case "result":
      onResult(frame);
      break;
    case "presence":
      renderPresence(frame.connected || []);
      break;
    case "refused":
      showRefused(frame.message);
      break;
    case "error":
      say(frame.message, "error");
      break;
    default:
      break;
  }
}

// --- Rendering -----------------------------------------------------------------------------------
function text(id, value) {
  const el = $(id);
  if (el) el.textContent = value;
}

function show(id, on) {
  const el = $(id);
  if (el) el.hidden = !on;
}

function blank() {
  // Nothing the last view said stays on screen: figures, state, ladder, chart, placeholders.
  for (const el of document.querySelectorAll("[data-live]")) el.textContent = "—";
  const ladder = $("ladder-body");
  if (ladder) ladder.replaceChildren();
  const state = $("my-state");
  if (state) {
    state.textContent = "";
    state.className = "state";
  }
  const input = $("bid-amount");
  if (input) input.placeholder = "";
  for (const id of ["quick-bids", "confirm-panel", "award-form", "surrogate-form", "pause-form", "resume-form", "pause-banner"]) {
    show(id, false);
  }
  setBidding(false);
}

function statusText(v) {
  return T.status[v.status] || v.status;
}

function apply(next) {
  const previous = view;
  view = next;
  root.dataset.status = next.status;
  text("status", statusText(next));
  text("bid-count", next.bid_count ?? "—");
  text("participants", next.participants);
  text("extensions", next.extensions);
  text("ends-at", next.ends_at ? timeFormat.format(new Date(next.ends_at)) : "—");
  // A lot ranked by landed cost: the best bid's price, and its landed cost it ranks by.
  const bestLanded = next.landed_cost && next.best ? ` (${T.landed} ${money(next.best.weighted)})` : "";
  text("best-amount", next.best ? money(next.best.amount) + bestLanded : "—");
  show("pause-banner", next.status === "paused");
  text("pause-text", next.pause_reason || "");
  if (next.format === "rounds") text("round-turn", roundText(next));
  if (next.clock) {
    let line = T.clock_price.replace("%(price)s", money(next.clock.price)).replace("%(level)s", next.clock.level);
    if (next.clock.in != null) line += " · " + T.clock_in.replace("%(n)s", next.clock.in);
    text("clock-level", line);
  }
  renderLadder(next);
  if (isSupplier) renderSupplier(next);
  else renderBuyer(next);
  noteKinds(previous, next);
  addChartPoint(next);
  tick();
}

// The rounds format: "Round 2, turn 3: Bidder #1", or the pause before a round.
function roundText(v) {
  if (!v.round) return "—";
  if (!v.turn) return `${T.round} ${v.round}: ${T.round_pause}`;
  return `${T.round} ${v.round}, ${T.turn} ${v.turn}: ${T.bidder} #${v.turn_label}`;
}

function renderLadder(v) {
  const body = $("ladder-body");
  if (!body) return;
  show("ladder-panel", Array.isArray(v.ladder));
  const rows = (v.ladder || []).map((entry) => {
    const tr = document.createElement("tr");
    if (entry.me) tr.className = "me";
    const cells = [
      entry.rank,
      entry.supplier ? `${T.bidder} #${entry.label} · ${entry.supplier}` : `${T.bidder} #${entry.label}`,
      money(entry.amount),
    ];
    if (v.weighted) cells.push(entry.weighted ?? "—");
    else if (v.landed_cost) cells.push(money(entry.delivery), money(entry.weighted));
    for (const value of cells) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    // The buyer's console: the supplier's standing (the ratings' badge) beside its name.
    const standing = entry.supplier ? standingByLabel.get(entry.label) : null;
    if (standing) {
      const badge = document.createElement("span");
      badge.className = `status standing standing-${standing.band}`;
      badge.dataset.standing = standing.band;
      badge.title = standing.title;
      badge.textContent = standing.text;
      tr.children[1].append(" ", badge);
    }
    return tr;
  });
  body.replaceChildren(...rows);
}

function renderSupplier(v) {
  const me = v.me || {};
  text("my-label", me.label ? `${T.bidder} #${me.label}` : "—");
  text("my-rank", me.rank ?? "—");
  text("my-amount", money(me.amount));
  if (v.landed_cost) {
    text("my-delivery", money(me.delivery));
    text("my-landed", money(me.landed));
  }
  const live = v.status === "live";
  const leading = Boolean(me.leading);
  const state = $("my-state");
  if (me.amount == null) {
    state.textContent = live ? T.no_bid_yet : "";
    state.className = "state";
  } else {
    state.textContent = leading ? T.leading : T.outbid;
    state.className = leading ? "state leading" : "state outbid";
  }
  // After the award: the viewer's own outcome (the view says whether the award is its own,
  // never whose it is), with its rank when it lost.
  if (v.status === "awarded" && me.won != null) {
    if (me.won) state.textContent = T.won;
    else state.textContent = me.rank ? T.not_won_rank.replace("%(rank)s", me.rank) : T.not_won;
    state.className = me.won ? "state won" : "state lost";
  }
  if (live && wasLeading === true && !leading && me.amount != null) outbidSignal();
  if (leading) clearOutbidSignal();
  wasLeading = me.amount == null ? null : leading;

  const maxBid = me.max_bid;
  const one = $("bid-one");
  const two = $("bid-two");
  if (maxBid) {
    one.dataset.amount = maxBid;
    one.textContent = `${T.bid_one_step}: ${money(maxBid)}`;
    const twoSteps = fromCents(toCents(maxBid) - toCents(v.step));
    two.dataset.amount = twoSteps;
    two.textContent = `${T.bid_two_steps}: ${money(twoSteps)}`;
    const input = $("bid-amount");
    if (!input.value) input.placeholder = maxBid;
  }
  if (v.clock) renderClock(v, me, live);
  // In the rounds format one bids only in one's own turn (the server refuses otherwise).
  setBidding(v.format === "rounds" ? live && Boolean(me.my_turn) : live);
  show("quick-bids", Boolean(maxBid) && live);
  show("proxy-panel", v.format === "english" && !["closed", "awarded", "failed"].includes(v.status));
  show("withdraw", v.format === "rounds" && Boolean(me.my_turn));
  if (v.format === "rounds") renderTurn(me, live);
  show("results-panel", ["closed", "awarded"].includes(v.status));
}

// The rounds format: the person's own turn is unmissable: a green banner with the highest bid
// it allows, the page's title, and a tone as it begins.
function renderTurn(me, live) {
  const mine = live && Boolean(me.my_turn);
  const box = $("my-turn");
  box.classList.toggle("mine", mine);
  if (mine) box.textContent = me.max_bid ? T.your_turn_max.replace("%(price)s", money(me.max_bid)) : T.your_turn;
  else box.textContent = live ? T.not_your_turn : "";
  if (mine && !wasMyTurn) {
    document.title = `▶ ${T.your_turn} — ${baseTitle}`;
    tone(660);
  } else if (!mine && wasMyTurn) {
    document.title = baseTitle;
  }
  wasMyTurn = mine;
}

// The clock formats: the price is the clock's; the one action is to confirm it (Japanese, to
// stay in) or accept it (Dutch, to win at it).
function renderClock(v, me, live) {
  const c = v.clock;
  let line = T.clock_price.replace("%(price)s", money(c.price)).replace("%(level)s", c.level);
  if (c.next_price) line += " · " + T.clock_next.replace("%(price)s", money(c.next_price));
  if (c.in != null) line += " · " + T.clock_in.replace("%(n)s", c.in);
  const act = $("clock-act");
  act.dataset.amount = c.price;
  let can = live;
  if (v.format === "japanese") {
    act.textContent = T.clock_confirm.replace("%(price)s", money(c.price));
    if (me.still_in === false) {
      can = false;
      line += " — " + T.clock_out;
    } else if (me.confirmed) {
      can = false;
      line += " — " + T.clock_confirmed;
    }
  } else {
    act.textContent = T.clock_accept.replace("%(price)s", money(c.price));
  }
  text("clock-text", line);
  act.hidden = !can;
}

function setBidding(on) {
  for (const el of document.querySelectorAll("[data-bidding]")) el.disabled = !on || !connected;
}

function renderBuyer(v) {
  const start = toCents(v.start_price);
  if (v.best) {
    const saved = start - toCents(v.best.amount);
    const percent = start > 0n ? (Number(saved) / Number(start)) * 100 : 0;
    text("savings", `${money(fromCents(saved))} (${percent.toFixed(2)} %)`);
  } else {
    text("savings", "—");
  }
  text("reserve", money(v.reserve_price));
  const live = v.status === "live";
  show("pause-form", live);
  show("resume-form", v.status === "paused");
  show("surrogate-form", live);
  show("award-form", v.status === "closed" && Array.isArray(v.ladder) && v.ladder.length > 0);
  show("results-panel", ["closed", "awarded"].includes(v.status));
  for (const el of document.querySelectorAll("[data-console]")) el.disabled = !connected;
  if (v.best) text("award-best", `${T.bidder} #${v.best.label} · ${v.best.supplier || ""}`);
  loadBids();
}

// What happened, told from the difference between two views (so it holds whichever way the
// change arrived: a broadcast, a coalesced one, or a resync after a missed frame).
function noteKinds(previous, next) {
  if (!previous) {
    seedFeed(next);
    return;
  }
  if (previous.lot !== next.lot) return;
  const notes = [];
  if (next.status !== previous.status) {
    if (next.status === "paused") notes.push(`${T.status.paused}: ${next.pause_reason || ""}`);
    else if (previous.status === "paused" && next.status === "live") notes.push(T.resumed);
    else notes.push(statusText(next));
  }
  if (next.extensions > previous.extensions && next.ends_at) {
    notes.push(`${T.extended} ${timeFormat.format(new Date(next.ends_at))}`);
  }
  if (next.format === "rounds" && (next.round !== previous.round || next.turn !== previous.turn)) {
    notes.push(roundText(next));
  }
  for (const note of notes) feed(note);
}

// A page opened (or reloaded) mid-auction: what the first view tells of the way here.
function seedFeed(v) {
  if (!v.starts_at || ["draft", "published", "applications_closed", "auction_scheduled"].includes(v.status)) return;
  feed(T.status.live, Date.parse(v.starts_at));
  if (v.extensions > 0 && v.ends_at) feed(`${T.extended} ${timeFormat.format(new Date(v.ends_at))} (×${v.extensions})`);
  if (v.format === "rounds" && v.round) feed(roundText(v));
  if (v.status !== "live") feed(v.status === "paused" ? `${T.status.paused}: ${v.pause_reason || ""}` : statusText(v));
}

function feed(message, at = null) {
  const list = $("feed");
  if (!list || !message) return;
  const li = document.createElement("li");
  li.textContent = `${timeFormat.format(new Date(at ?? serverNow()))} ${message}`;
  list.prepend(li);
  while (list.children.length > 50) list.lastChild.remove();
}

function say(message, kind = "info") {
  const el = $("message");
  el.textContent = message;
  el.className = `message ${kind}`;
}

// --- The countdown -------------------------------------------------------------------------------
function tick() {
  const el = $("countdown");
  if (!el) return;
  if (!view || !connected) {
    el.textContent = "—";
    return;
  }
  let target = null;
  let label = T.ends_in;
  if (view.status === "auction_scheduled" && view.starts_at) {
    target = Date.parse(view.starts_at);
    label = T.starts_in;
  } else if (view.status === "live" && view.ends_at) {
    target = Date.parse(view.ends_at);
    // In the rounds format the deadline is the current turn's, or the pause's before a round.
    if (view.format === "rounds") label = view.turn ? T.turn_ends_in : T.round_starts_in;
  }
  text("countdown-label", target === null ? "" : label);
  if (target === null) {
    el.textContent = statusText(view);
    return;
  }
  const left = Math.max(0, Math.round((target - serverNow()) / 1000));
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const mmss = `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  el.textContent = h ? `${h}:${mmss}` : mmss;
}
setInterval(tick, 250);

// --- Outbid signal: the title and a short tone ---------------------------------------------------
const baseTitle = document.title;
let audio = null;
function outbidSignal() {
  document.title = `⚠ ${T.outbid} — ${baseTitle}`;
  root.dataset.outbid = "1";
  feed(T.outbid);
  tone(880);
}

function tone(frequency) {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch {
    // No sound (no audio device, or the browser has not let this page play yet): the title says it.
  }
}
function clearOutbidSignal() {
  document.title = baseTitle;
  delete root.dataset.outbid;
}

// --- Bidding (supplier) --------------------------------------------------------------------------
function nextId(prefix) {
  requestCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${requestCounter}`;
}

function placeBid(amount, confirm = false) {
  if (!amount) return;
  const me = (view && view.me) || {};
  if (!confirm && me.leading && view.status === "live" && !view.clock) {
    // Already first: lowering one's own winning price is asked about before it is sent.
    askConfirm(T.already_first.replace("%(price)s", money(me.amount)).replace("%(amount)s", money(amount)), amount);
    return;
  }
  if (!audio) {
    try {
      audio = new AudioContext(); // a click lets the page play the outbid tone later
    } catch {
      audio = null;
    }
  }
  const requestId = nextId("r");
  pending.set(requestId, { amount, confirm });
  const ok = send({ type: "bid", request_id: requestId, amount, client_bid_id: nextId("c"), confirm });
  if (!ok) say(T.reconnecting, "error");
  else say(`${T.sending} ${money(amount)}…`);
}

function onBidResult(frame) {
  const request = pending.get(frame.request_id);
  pending.delete(frame.request_id);
  if (frame.ok) {
    say(`${T.accepted}: ${money(frame.bid.amount)}${frame.extended ? ` · ${T.extended_short}` : ""}`, "ok");
    $("bid-amount").value = "";
    hideConfirm();
    addOwnBid(frame.bid);
    return;
  }
  if (frame.error.code === "confirmation_required" && request) {
    askConfirm(frame.error.message, request.amount);
    return;
  }
  say(frame.error.message, "error");
}

function onResult(frame) {
  if (frame.ok) say(T.saved, "ok");
  else say(frame.error.message, "error");
}

function askConfirm(message, amount) {
  say(""); // nothing is being sent while the room asks: the "Sending …" of the first try goes
  text("confirm-text", message);
  $("confirm-yes").dataset.amount = amount;
  show("confirm-panel", true);
}
function hideConfirm() {
  show("confirm-panel", false);
}

const ownBids = [];
function renderOwnBids(bids, v) {
  ownBids.splice(0, ownBids.length, ...bids);
  drawOwnBids();
  // The best price over time from what this supplier may know: its own bids and, where the
  // lot shows a ladder, the others' current offers with their times.
  const known = bids.map((bid) => ({ t: Date.parse(bid.placed_at) / 1000, amount: Number(bid.amount) }));
  for (const entry of v.ladder || []) {
    if (!entry.me && entry.at) known.push({ t: Date.parse(entry.at) / 1000, amount: Number(entry.amount) });
  }
  chartHistory([
    ...bids.map((bid) => ({ t: Date.parse(bid.placed_at) / 1000, mine: Number(bid.amount) })),
    ...bestLine(known, v),
  ]);
}

// The running best price at each known bid (by price: not for weighted or landed-cost lots,
// whose best is not the lowest price).
function bestLine(known, v) {
  if (v.weighted || v.landed_cost) return [];
  let best = Infinity;
  return [...known]
    .sort((a, b) => a.t - b.t)
    .map((p) => {
      best = Math.min(best, p.amount);
      return { t: p.t, best };
    });
}
function addOwnBid(bid) {
  if (!ownBids.some((b) => b.id === bid.id)) ownBids.push(bid);
  drawOwnBids();
}
function drawOwnBids() {
  const body = $("my-bids-body");
  if (!body) return;
  const rows = [...ownBids].reverse().map((bid) => {
    const tr = document.createElement("tr");
    for (const value of [timeFormat.format(new Date(bid.placed_at)), money(bid.amount), T.kind[bid.kind] || bid.kind]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  });
  body.replaceChildren(...rows);
}

function wireSupplier() {
  $("bid-one").addEventListener("click", (e) => placeBid(e.currentTarget.dataset.amount));
  if ($("clock-act")) {
    $("clock-act").addEventListener("click", (e) => placeBid(e.currentTarget.dataset.amount, true));
  }
  $("bid-two").addEventListener("click", (e) => placeBid(e.currentTarget.dataset.amount));
  $("bid-form").addEventListener("submit", (e) => {
    e.preventDefault();
    placeBid($("bid-amount").value.trim().replace(",", "."));
  });
  $("confirm-yes").addEventListener("click", (e) => placeBid(e.currentTarget.dataset.amount, true));
  $("confirm-no").addEventListener("click", () => {
    hideConfirm();
    say("");
  });
  $("proxy-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const floor = $("proxy-floor").value.trim().replace(",", ".");
    send({ type: "proxy", request_id: nextId("p"), floor: floor || null });
  });
  $("proxy-clear").addEventListener("click", () => {
    $("proxy-floor").value = "";
    send({ type: "proxy", request_id: nextId("p"), floor: null });
  });
  $("withdraw").addEventListener("click", () => send({ type: "withdraw", request_id: nextId("w") }));
  window.addEventListener("focus", () => {
    if (view && view.me && view.me.leading) clearOutbidSignal();
  });
}

// --- The console (buyer) -------------------------------------------------------------------------
async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf_token, Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((data && data.error && data.error.message) || `${response.status}`);
  }
  return data;
}

let bidsLoading = false;
let bidsAgain = false;
async function loadBids() {
  if (isSupplier || !connected) return; // the snapshot after reconnecting asks again
  if (bidsLoading) {
    bidsAgain = true;
    return;
  }
  bidsLoading = true;
  try {
    const bids = await api("GET", config.api.bids);
    drawAllBids(bids);
  } catch (error) {
    say(error.message, "error");
  } finally {
    bidsLoading = false;
    if (bidsAgain) {
      bidsAgain = false;
      setTimeout(loadBids, 300);
    }
  }
}

function drawAllBids(bids) {
  const points = bids.map((bid) => ({ t: Date.parse(bid.placed_at) / 1000, bid: Number(bid.amount) }));
  const standing = bids.filter((bid) => !bid.withdrawn);
  const known = standing.map((bid) => ({ t: Date.parse(bid.placed_at) / 1000, amount: Number(bid.amount) }));
  chartHistory([...points, ...(view ? bestLine(known, view) : [])]);
  const body = $("all-bids-body");
  const rows = [...bids].reverse().map((bid) => {
    const tr = document.createElement("tr");
    const cells = [
      timeFormat.format(new Date(bid.placed_at)),
      `${T.bidder} #${bid.label} · ${bid.supplier}`,
      money(bid.amount),
      T.kind[bid.kind] || bid.kind,
    ];
    for (const value of cells) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  });
  body.replaceChildren(...rows);
}

function renderPresence(ids) {
  const list = $("presence");
  if (!list) return;
  const items = config.applications.map((app) => {
    const li = document.createElement("li");
    const online = ids.includes(app.id);
    li.className = online ? "online" : "offline";
    li.textContent = `${T.bidder} #${app.label} · ${app.supplier} — ${online ? T.online : T.offline}`;
    return li;
  });
  list.replaceChildren(...items);
}

function wireConsole() {
  renderPresence([]);
  if (!config.may_run) return; // watching only: the page has no pause, surrogate or award form
  // One request at a time per form; while it runs, the room says so (no earlier error stays on
  // screen meanwhile) and the form's button waits.
  const run = (form, method, path, bodyOf) => {
    $(form).addEventListener("submit", async (e) => {
      e.preventDefault();
      const button = e.target.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      say(T.working);
      try {
        await api(method, path, bodyOf ? bodyOf() : {});
        say(T.saved, "ok");
        e.target.reset();
      } catch (error) {
        say(error.message, "error");
      } finally {
        if (button) button.disabled = !connected;
      }
    });
  };
  run("pause-form", "POST", config.api.pause, () => ({ reason: $("pause-reason").value }));
  run("resume-form", "POST", config.api.resume);
  run("surrogate-form", "POST", config.api.surrogate, () => ({
    application: Number($("surrogate-application").value),
    amount: $("surrogate-amount").value.trim().replace(",", "."),
    reason: $("surrogate-reason").value,
    client_bid_id: nextId("s"),
    confirm: $("surrogate-confirm").checked,
  }));
  run("award-form", "POST", config.api.award, () => {
    const application = $("award-application").value;
    return application
      ? { application: Number(application), reason: $("award-reason").value }
      : {};
  });
}

// --- The chart (uPlot, from npm) -----------------------------------------------------------------
// Three series over time: the best price as the views showed it, the supplier's own price, and
// (the buyer's) every bid. The bids are history from the server (the buyer's bid list, the
// supplier's own bids in the snapshot), so a page opened mid-auction draws the past too.
const observed = []; // {t, best, mine} from each view
let history = []; // {t, mine} or {t, bid} from the server's lists

function chartHistory(points) {
  history = points;
  drawChart();
}

function addChartPoint(v) {
  const best = v.best ? Number(v.best.amount) : null;
  const mine = isSupplier && v.me && v.me.amount != null ? Number(v.me.amount) : null;
  if (best === null && mine === null) return;
  const last = observed[observed.length - 1];
  if (last && last.best === best && last.mine === mine) return;
  observed.push({ t: serverNow() / 1000, best, mine });
  drawChart();
}

function drawChart() {
  if (typeof uPlot === "undefined" || !$("chart")) return;
  const points = [...history, ...observed].sort((a, b) => a.t - b.t);
  if (!points.length) return;
  const data = [
    points.map((p) => p.t),
    points.map((p) => p.best ?? null),
    points.map((p) => p.mine ?? null),
    points.map((p) => p.bid ?? null),
  ];
  if (chart) {
    chart.setData(data);
    return;
  }
  const el = $("chart");
  chart = new uPlot(
    {
      width: el.clientWidth || 600,
      height: 220,
      // The time axis and legend in the page's language and clock (uPlot's own say "Time" and
      // "1:05pm" whatever the language); a single point is shown with a minute either side.
      scales: { x: { time: true, range: (u, min, max) => (min === max ? [min - 60, max + 60] : [min, max]) } },
      series: [
        { label: T.time, value: (u, t) => (t == null ? "—" : timeFormat.format(new Date(t * 1000))) },
        { label: T.best, stroke: "#1f6feb", width: 2, spanGaps: true },
        { label: T.mine, stroke: "#d2691e", width: 2, spanGaps: true, show: isSupplier },
        {
          label: T.bids, stroke: "#57606a", width: 0, show: !isSupplier,
          paths: () => null, points: { show: true, size: 6, fill: "#57606a" },
        },
      ],
      axes: [
        {
          // Whole seconds at least (the labels are hh:mm:ss), up to a day.
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400],
          values: (u, ticks) => ticks.map((t) => timeFormat.format(new Date(t * 1000))),
        },
        { values: (u, ticks) => ticks.map((x) => axisFormat.format(x)), size: 70 },
      ],
    },
    data,
    el,
  );
  window.addEventListener("resize", () => chart.setSize({ width: el.clientWidth, height: 220 }));
}

// --- Start ---------------------------------------------------------------------------------------
if (isSupplier) wireSupplier();
else wireConsole();
setConnected(false);
connect();
