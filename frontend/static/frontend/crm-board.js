// The CRM's pipeline board: cards dragged between stages (SortableJS, from npm) and the "move to"
// form on each card are saved through the move page (it answers JSON to this script). A refused
// move puts the card back and says why; a lost stage without its reason asks for it in a dialog,
// then moves. Without this script the forms post and the page reloads. Also: "copy" buttons.
// No inline handlers: the Content-Security-Policy forbids them.
(() => {
  "use strict";

  // --- Copy buttons (the website form's snippet) --------------------------------------------------
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    source.select();
    const done = () => { button.textContent = button.dataset.copied || button.textContent; };
    if (navigator.clipboard) navigator.clipboard.writeText(source.value).then(done, () => {});
    else if (document.execCommand("copy")) done();
  });

  const board = document.getElementById("board");
  if (!board || board.dataset.editable !== "1") return;
  const message = document.getElementById("board-message");
  const dialog = document.getElementById("lost-dialog");

  function say(text, ok) {
    if (!message) return;
    message.textContent = text;
    message.classList.toggle("ok", !!ok);
    message.classList.toggle("error", !ok);
    message.hidden = false;
  }

  function list(stage) {
    return board.querySelector(`.cards[data-stage="${stage}"]`);
  }

  // Put ``card`` in ``stage``'s column: after or before a card, else at the bottom.
  function place(card, stage, where) {
    const neighbour = where.after || where.before;
    const other = neighbour && document.getElementById(`card-${neighbour}`);
    if (other && other !== card) {
      if (where.after) other.after(card);
      else other.before(card);
    } else {
      list(stage).append(card);
    }
  }

  // Back where it was taken from (``origin``: the list and index SortableJS reports).
  function putBack(card, origin) {
    if (!origin) return;
    const items = Array.from(origin.list.children).filter((c) => c !== card);
    const at = items[origin.index];
    if (at) at.before(card);
    else origin.list.append(card);
  }

  function redraw(card, data) {
    const holder = document.createElement("template");
    holder.innerHTML = data.card.trim();
    const fresh = holder.content.firstElementChild;
    card.replaceWith(fresh);
    for (const [stage, html] of Object.entries(data.heads || {})) {
      const head = document.getElementById(`head-${stage}`);
      if (head) head.innerHTML = html;
    }
    return fresh;
  }

  async function post(card, stage, where, extra) {
    const form = card.querySelector("form.card-move");
    const body = new FormData(form);
    body.set("stage", stage);
    body.delete("after");
    body.delete("before");
    if (where.after) body.set("after", where.after);
    else if (where.before) body.set("before", where.before);
    for (const [key, value] of Object.entries(extra || {})) body.set(key, value);
    board.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(card.dataset.moveUrl, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      if (!type.startsWith("application/json")) {
        return { ok: false, message: `${board.dataset.failed} (${response.status})` };
      }
      return await response.json();
    } catch (error) {
      return { ok: false, message: board.dataset.failed };
    } finally {
      board.removeAttribute("aria-busy");
    }
  }

  // A move: saved, or put back with the reason; a lost stage's reason asked, then moved.
  async function move(card, stage, where, origin) {
    const data = await post(card, stage, where);
    if (data.ok) {
      place(redraw(card, data), stage, where);
      say(board.dataset.saved, true);
      return;
    }
    putBack(card, origin);
    say(data.message || board.dataset.failed, false);
    if (data.code === "lost_reason_required" && dialog) askReason(card, stage, where);
  }

  function askReason(card, stage, where) {
    const form = dialog.querySelector("form");
    form.reset();
    dialog.querySelector("#lost-card").textContent = card.dataset.title || "";
    dialog.querySelector("#lost-error").hidden = true;
    dialog.returnValue = "";
    dialog.onclose = null;
    dialog.addEventListener(
      "close",
      async () => {
        if (dialog.returnValue !== "move") return;
        const extra = {
          lost_reason: dialog.querySelector("#lost-reason").value,
          lost_note: dialog.querySelector("#lost-note").value,
        };
        const data = await post(card, stage, where, extra);
        if (data.ok) {
          place(redraw(card, data), stage, where);
          say(board.dataset.saved, true);
        } else {
          say(data.message || board.dataset.failed, false);
        }
      },
      { once: true },
    );
    dialog.showModal();
  }

  // The "move to" form of a card: to the bottom of the chosen stage.
  board.addEventListener("submit", (event) => {
    const form = event.target.closest("form.card-move");
    if (!form) return;
    event.preventDefault();
    const card = form.closest(".card");
    const stage = form.elements.stage.value;
    const current = card.closest(".cards").dataset.stage;
    if (stage === current) return;
    move(card, stage, {}, null);
  });

  // Drag and drop.
  if (typeof Sortable === "undefined") return;
  for (const column of board.querySelectorAll(".cards")) {
    Sortable.create(column, {
      group: "board",
      draggable: ".card",
      filter: "select, button, input, label",
      preventOnFilter: false,
      forceFallback: true,
      fallbackOnBody: true,
      delay: 180,
      delayOnTouchOnly: true,
      animation: 120,
      ghostClass: "card-ghost",
      chosenClass: "card-chosen",
      onEnd(evt) {
        if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
        const card = evt.item;
        const previous = card.previousElementSibling;
        const next = card.nextElementSibling;
        const where = previous ? { after: previous.dataset.id } : next ? { before: next.dataset.id } : {};
        move(card, evt.to.dataset.stage, where, { list: evt.from, index: evt.oldIndex });
      },
    });
  }
})();
