// A lot's public page while its auction runs (the tender lets anyone watch): the page is read
// again whenever the lot's status or its number of bids changes (checked every 2 s).
"use strict";
const C = JSON.parse(document.getElementById("watch-config").textContent);
let seen = null;

async function poll() {
  try {
    const response = await fetch(C.api, { credentials: "same-origin" });
    if (!response.ok) return;
    const lot = await response.json();
    const key = `${lot.status}|${lot.bids.length}`;
    if (seen === null) seen = key;
    else if (key !== seen) window.location.reload();
  } catch (e) {
    // Offline for a moment: the next poll tries again.
  }
}

poll();
setInterval(poll, 2000);
