// The logistics pages' small behaviours (loaded by frontend/logistics/layout.html). No inline
// handlers: the Content-Security-Policy forbids them. Every page works without them.
//
// * A city box (input[data-city-search]: the URL of the gazetteer's suggestions) offers the
//   cities starting with what is typed, in its <datalist>; picking one fills the fields its
//   data-fill-* attributes name (the city's id, latitude, longitude, country, region). Typing
//   something else empties what the pick had filled (unless it was changed by hand since).
// * Forms marked data-confirm ask before they are sent (removing a place, a carrier, a card).
// * "Add a band" (data-add-band) adds an empty row to a rate card's bands, from the formset's
//   <template id="band-row-template">.
(() => {
  "use strict";

  const DELAY_MS = 200;
  const MIN_LETTERS = 2;
  const FILLS = ["id", "latitude", "longitude", "country", "region"];
  const timers = new WeakMap();
  const pending = new WeakMap();

  function isCityBox(element) {
    return element instanceof HTMLInputElement && "citySearch" in element.dataset;
  }

  function fillTarget(input, key) {
    const selector = input.dataset["fill" + key[0].toUpperCase() + key.slice(1)];
    return selector ? document.querySelector(selector) : null;
  }

  function pickedOption(input) {
    const list = input.list;
    if (!list || !input.value) return null;
    return Array.from(list.options).find((option) => option.value === input.value) || null;
  }

  function fill(input, option) {
    const filled = {};
    for (const key of FILLS) {
      const field = fillTarget(input, key);
      if (!field || option.dataset[key] === undefined) continue;
      field.value = option.dataset[key];
      filled[key] = field.value;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    input.dataset.filled = JSON.stringify(filled);
  }

  function unfill(input) {
    if (!input.dataset.filled) return;
    const filled = JSON.parse(input.dataset.filled);
    for (const [key, value] of Object.entries(filled)) {
      const field = fillTarget(input, key);
      if (field && field.value === value) field.value = "";
    }
    delete input.dataset.filled;
  }

  async function suggest(input) {
    const query = input.value.trim();
    if (!input.list || query.length < MIN_LETTERS) return;
    const previous = pending.get(input);
    if (previous) previous.abort();
    const controller = new AbortController();
    pending.set(input, controller);
    const url = new URL(input.dataset.citySearch, window.location.href);
    url.searchParams.set("q", query);
    try {
      const response = await fetch(url, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok || response.redirected) return; // logged out meanwhile: no suggestions
      input.list.innerHTML = await response.text();
      const option = pickedOption(input);
      if (option) fill(input, option);
    } catch (error) {
      // The suggestions are a help only: the city's name or the coordinates can be typed.
    }
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!isCityBox(input)) return;
    const option = pickedOption(input);
    if (option) {
      fill(input, option);
      return;
    }
    unfill(input);
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => suggest(input), DELAY_MS));
  });

  document.addEventListener("submit", (event) => {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-band]");
    if (!button || !button.form) return;
    const total = button.form.querySelector("input[name$='-TOTAL_FORMS']");
    const template = document.getElementById("band-row-template");
    const rows = document.getElementById("band-rows");
    if (!total || !template || !rows) return;
    const index = Number(total.value);
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
    total.value = String(index + 1);
    const row = rows.lastElementChild;
    const first = row.querySelector("input:not([type=checkbox])");
    if (first) first.focus();
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-add-band]").forEach((button) => {
      button.hidden = false;
    });
    // A city picked before the page was sent: typing another name undoes what the pick filled
    // (data-city-owns: which of the fields it filled; the id alone on a place, whose
    // coordinates may have been typed).
    document.querySelectorAll("input[data-city-search]").forEach((input) => {
      const id = fillTarget(input, "id");
      if (!id || !id.value) return;
      const filled = {};
      for (const key of (input.dataset.cityOwns || "id").split(" ")) {
        const field = fillTarget(input, key);
        if (field && field.value) filled[key] = field.value;
      }
      input.dataset.filled = JSON.stringify(filled);
    });
  });
})();
