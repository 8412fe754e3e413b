// The practice auction's page: reads the practice every second (its clock runs as it is read)
// and sends the person's bids. No inline script: the configuration is a JSON script element.
"use strict";
const C = JSON.parse(document.getElementById("practice-config").textContent);
const T = C.text;
const $ = (id) => document.getElementById(id);
let view = null;
let timer = null;

function csrf() {
  const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

const money = window.tfMoney(C.money);

function render(v) {
  view = v;
  $("practice").dataset.status = v.status;
  $("p-status").textContent = T.status[v.status] || v.status;
  $("p-best").textContent = money(v.best);
  $("p-mine").textContent = money(v.me.amount);
  $("p-rank").textContent = v.me.rank ?? "—";
  const live = v.status === "live";
  const state = $("p-state");
  if (!live) state.textContent = v.winner === v.me.label ? T.won : T.lost;
  else if (v.format === "sealed") state.textContent = v.me.amount != null ? T.sealed_mine.replace("%(price)s", money(v.me.amount)) : T.sealed;
  else if (v.me.amount != null) state.textContent = v.me.leading ? T.leading : T.outbid;
  else state.textContent = "";
  renderTurn(v, live);
  const left = Math.max(0, (new Date(v.ends_at) - new Date(v.now)) / 1000 / v.speed);
  $("p-left").textContent = live ? `${Math.ceil(left)} s` : "—";
  const clock = v.clock;
  $("p-form").hidden = Boolean(clock) || !live || (v.turn !== undefined && !v.me.my_turn);
  $("p-clock").hidden = !clock;
  const act = $("p-act");
  act.hidden = !clock || !live;
  if (clock) {
    $("p-clock").textContent = T.price_now.replace("%(price)s", money(clock.price)).replace("%(level)s", clock.level);
    act.dataset.amount = clock.price;
    act.textContent = (v.format === "japanese" ? T.confirm : T.accept).replace("%(price)s", money(clock.price));
    if (v.format === "japanese" && (v.me.still_in === false || v.me.confirmed)) {
      act.hidden = true;
      $("p-clock").textContent += " — " + (v.me.still_in === false ? T.out : T.confirmed);
    }
  } else if (live && v.me.max_bid) {
    $("p-amount").placeholder = v.me.max_bid;
  }
  const body = $("p-ladder").querySelector("tbody");
  body.replaceChildren(
    ...(v.ladder || []).map((row) => {
      const tr = document.createElement("tr");
      for (const text of [row.rank, `${T.bidder} #${row.label}${row.me ? ` (${T.you})` : ""}`, money(row.amount)]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
  if (!live && timer) {
    clearInterval(timer);
    timer = null;
    $("p-message").textContent = T.ended;
  }
}

// Rounds: whose turn it is; the person's own turn as a banner, with the highest bid it allows.
function renderTurn(v, live) {
  const box = $("p-turn");
  const turn = v.turn;
  box.hidden = !turn || !live;
  box.classList.toggle("mine", Boolean(v.me.my_turn));
  if (!turn || !live) return;
  const round = T.round.replace("%(round)s", turn.round).replace("%(rounds)s", turn.rounds);
  let what;
  if (v.me.my_turn) what = T.your_turn.replace("%(price)s", money(v.me.max_bid));
  else if (!turn.turn) what = T.pause;
  else what = T.their_turn.replace("%(label)s", turn.label);
  box.textContent = `${round}: ${what}`;
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
  return data;
}

async function refresh() {
  try {
    render(await call("GET", C.api));
  } catch (e) {
    $("p-message").textContent = e.message;
  }
}

async function place(amount) {
  try {
    render(await call("POST", `${C.api}bids/`, { amount, confirm: true }));
    $("p-message").textContent = T.accepted;
    $("p-amount").value = "";
  } catch (e) {
    $("p-message").textContent = e.message;
  }
}

$("p-form").addEventListener("submit", (e) => {
  e.preventDefault();
  place($("p-amount").value.trim().replace(",", ".") || $("p-amount").placeholder);
});
$("p-act").addEventListener("click", (e) => place(e.currentTarget.dataset.amount));
refresh();
timer = setInterval(refresh, 1000);
