// Autocomplete for the directory's and the catalogue's search boxes: an input with
// data-suggest (the suggestions API's URL, its kind included) and a <datalist> gets the names
// whose words start with what is typed. No inline handlers (the CSP forbids them); the box
// works without this script.
(() => {
  "use strict";
  const DELAY_MS = 200;
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    let timer = null;
    let pending = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const query = input.value.trim();
        if (!input.list || query.length < 2) return;
        if (pending) pending.abort();
        pending = new AbortController();
        const url = new URL(input.dataset.suggest, window.location.href);
        url.searchParams.set("q", query);
        try {
          const response = await fetch(url, {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
            signal: pending.signal,
          });
          if (!response.ok) return;
          const rows = await response.json();
          input.list.replaceChildren(
            ...rows.map((row) => {
              const option = document.createElement("option");
              option.value = row.title;
              return option;
            }),
          );
        } catch (error) {
          // Suggestions are a help only.
        }
      }, DELAY_MS);
    });
  }
})();
