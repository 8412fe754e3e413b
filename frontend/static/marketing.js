// The segment page's live counts: on each change of the filter form, the counts of the filter
// as it stands are asked of the page's count endpoint (data-count-url) and shown beside it.
(() => {
  "use strict";
  const form = document.getElementById("segment-form");
  if (!form || !form.dataset.countUrl) return;
  const error = document.getElementById("count-error");
  const cells = {
    accounts: document.getElementById("count-accounts"),
    contacts: document.getElementById("count-contacts"),
    reachable_email: document.getElementById("count-reachable-email"),
    reachable_sms: document.getElementById("count-reachable-sms"),
  };
  let timer = null;
  let asked = 0;

  function query() {
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }

  async function refresh() {
    const mine = ++asked;
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${form.dataset.countUrl}?${query()}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json();
      if (mine !== asked) return; // a later change answered first
      if (!response.ok) {
        const messages = Object.values(body.errors || {}).flat().map((e) => e.message || e);
        error.textContent = body.message || messages.join(" ");
        error.hidden = false;
        return;
      }
      error.hidden = true;
      for (const [key, cell] of Object.entries(cells)) {
        if (cell && key in body) cell.textContent = body[key];
      }
    } catch (_e) {
      // Offline or the server away: the counts stay as they were.
    } finally {
      if (mine === asked) form.removeAttribute("aria-busy");
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
})();
