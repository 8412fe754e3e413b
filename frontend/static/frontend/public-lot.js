// A lot's public page while its auction runs (the tender lets anyone watch): follows the lot over
// the websocket protocol as an observer (docs/websocket.md): the status, the bid count, the best
// price and, on a ladder lot, every offer by its anonymous label and each new bid in the course
// of the auction. Once the auction is over the page is read again for its final results.
"use strict";
const C = JSON.parse(document.getElementById("watch-config").textContent);
const T = C.text;
const $ = (id) => document.getElementById(id);
const money = window.tfMoney(C.money);
const FINISHED = new Set(["closed", "awarded", "failed", "cancelled"]);
let lastAt = null; // the newest bid time already in the course table
let seen = false; // a first view has been shown (the page's own course covers it)
let retry = 1000;

function bidder(label) {
  return T.bidder.replace("%(label)s", label);
}

function when(at) {
  return new Date(at).toLocaleString(C.locale, { timeZone: C.time_zone, dateStyle: "medium", timeStyle: "medium" });
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

function show(view) {
  if (FINISHED.has(view.status)) {
    window.location.reload(); // the final results, with the award
    return;
  }
  $("lot-status").textContent = T.status[view.status] || view.status;
  if ($("lot-ends") && view.ends_at) $("lot-ends").textContent = `${when(view.ends_at)} UTC`;
  if ($("bid-count") && view.bid_count != null) $("bid-count").textContent = view.bid_count;
  if ($("best") && "best" in view) $("best").textContent = money(view.best && view.best.amount);
  const offers = $("offers");
  if (offers && view.ladder) {
    offers.querySelector("tbody").replaceChildren(
      ...view.ladder.map((e) => {
        const tr = row([e.rank, bidder(e.label), money(e.amount), ""]);
        tr.dataset.label = e.label;
        return tr;
      }),
    );
  }
  const course = $("course");
  if (course && view.ladder) {
    // The page came with the course so far; each later view adds the offers made since.
    const fresh = view.ladder.filter((e) => e.at && (lastAt === null || e.at > lastAt));
    fresh.sort((a, b) => (a.at < b.at ? -1 : 1));
    for (const e of fresh) {
      if (seen) course.querySelector("tbody").append(row([when(e.at), bidder(e.label), money(e.amount)]));
      lastAt = e.at;
    }
    seen = true;
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${C.ws_path}`, ["tradefloor.v1"]);
  socket.addEventListener("open", () => {
    retry = 1000;
    $("watch-connection").textContent = T.connected;
  });
  let read = 0;
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "snapshot" || frame.type === "standing") show(frame.view);
    read += 1;
    if (read % 20 === 0) socket.send(JSON.stringify({ type: "ack", count: read }));
  });
  socket.addEventListener("close", (event) => {
    $("watch-connection").textContent = T.reconnecting;
    if (event.code >= 4400 && event.code < 4500) {
      window.location.reload(); // refused: no longer watchable (over, or its tender changed)
      return;
    }
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  });
}

connect();
