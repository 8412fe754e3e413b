// The lot form (frontend/templates/frontend/tenders/_lot_form.html), guided by the format. No
// inline handlers or styles: the Content-Security-Policy forbids them. Without this script the
// form works as well: every group shows, and a few empty rows wait in each table.
//
// * Each fieldset says which formats use it (data-formats, from lot_forms.LOT_GROUPS): only
//   the chosen format's groups show (the server ignores what the format does not use).
// * Beside the step's value, its amount per step ("= 500.00 ₴ per step": a percentage of the
//   start price, rounded half up to the cent as auctions/rules.py's min_step does), and beside
//   each band's step its amount; money written by money.js's window.tfMoney.
// * "Add a row" / "Add a criterion" / "Add an option" clone a <template>, numbering the row
//   (__i__, __o__) after the highest number the table has had; "Remove" takes a row out and
//   has the form checked again (htmx posts it on "change").
(() => {
  "use strict";

  const form = document.getElementById("lot-form");
  const configElement = document.getElementById("lot-form-config");
  if (!form || !configElement) return;
  const config = JSON.parse(configElement.textContent);
  const money = window.tfMoney(config.money);

  // --- The format's groups ---

  function chosenFormat() {
    const radio = form.querySelector("input[name=auction_format]:checked");
    return radio ? radio.value : null;
  }

  function showFormat() {
    const format = chosenFormat();
    if (!format) return;
    form.querySelectorAll("fieldset[data-formats]").forEach((fieldset) => {
      fieldset.hidden = !fieldset.dataset.formats.split(" ").includes(format);
    });
  }

  // --- The step's amount ---

  // A decimal as typed ("1 000,5", "1000.50") as an integer and its number of decimals.
  function decimal(text) {
    let clean = String(text || "").replace(/[\s\u00a0\u202f']/g, "");
    if (clean.includes(",") && !clean.includes(".")) clean = clean.replace(",", ".");
    else clean = clean.replace(/,/g, "");
    const match = /^(\d+)(?:\.(\d{0,8}))?$/.exec(clean);
    if (!match) return null;
    const fraction = match[2] || "";
    return { units: BigInt(match[1] + fraction), places: fraction.length };
  }

  function divideHalfUp(numerator, denominator) {
    return (numerator * 2n + denominator) / (2n * denominator);
  }

  function centsText(cents) {
    return `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
  }

  // The amount of a step of `valueText` in the step's kind, as a decimal string, or null.
  function stepAmount(valueText) {
    const value = decimal(valueText);
    if (!value || value.units === 0n) return null;
    const scale = 10n ** BigInt(value.places);
    const kind = form.querySelector("[name=step_kind]");
    if (kind && kind.value === "amount") return centsText(divideHalfUp(value.units * 100n, scale));
    const start = decimal(form.querySelector("[name=start_price]")?.value);
    if (!start) return null;
    const startScale = 10n ** BigInt(start.places);
    // start × value / 100, in cents: start.units × value.units × 100 / (startScale × scale × 100)
    return centsText(divideHalfUp(start.units * value.units, startScale * scale));
  }

  function showAmounts() {
    const output = document.getElementById("step-amount");
    if (output) {
      const amount = stepAmount(form.querySelector("[name=step_value]")?.value);
      output.textContent = amount ? config.text.per_step.replace("%(amount)s", money(amount)) : "";
      output.hidden = !amount;
    }
    form.querySelectorAll("[data-band-step]").forEach((input) => {
      const cell = input.closest("tr").querySelector("[data-band-amount]");
      const amount = stepAmount(input.value);
      if (cell) cell.textContent = amount ? config.text.amount.replace("%(amount)s", money(amount)) : "";
    });
  }

  // --- Rows ---

  function addRow(templateId, container, numbers) {
    const template = document.getElementById(templateId);
    if (!template || !container) return;
    let html = template.innerHTML;
    for (const [placeholder, number] of Object.entries(numbers)) {
      html = html.replaceAll(placeholder, String(number));
    }
    container.insertAdjacentHTML("beforeend", html);
    const row = container.lastElementChild;
    row.querySelectorAll("[data-remove-row], [data-add-option]").forEach((button) => {
      button.hidden = false;
    });
    const first = row.querySelector("input");
    if (first) first.focus();
    showAmounts();
  }

  function nextNumber(container) {
    const number = Number(container.dataset.next || 0);
    container.dataset.next = String(number + 1);
    return number;
  }

  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      const container = document.getElementById(add.dataset.rows);
      if (container) addRow(add.dataset.addRow, container, { __i__: nextNumber(container) });
      return;
    }
    const addOption = event.target.closest("[data-add-option]");
    if (addOption) {
      const criterion = addOption.closest("[data-criterion]");
      const options = criterion && criterion.querySelector("[data-options]");
      if (!options) return;
      const number = criterion.dataset.criterion.split("-").pop();
      addRow("option-row-template", options, { __i__: number, __o__: nextNumber(options) });
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      const row = remove.closest("[data-row]");
      if (!row) return;
      row.remove();
      form.dispatchEvent(new Event("change", { bubbles: true })); // checked again without it
    }
  });

  form.addEventListener("change", (event) => {
    if (event.target.name === "auction_format") showFormat();
    showAmounts();
  });
  form.addEventListener("input", showAmounts);

  form.querySelectorAll("[data-add-row], [data-add-option], [data-remove-row]").forEach((button) => {
    button.hidden = false;
  });
  showFormat();
  showAmounts();
})();
