// Amounts written from the parts the server gives (marketplace/core/money.py's money_parts: the
// currency's symbol with its spacing, the grouping and decimal marks of the page's language), as
// the pages and the server's messages write them, not with the browser's own Intl data, which
// differs between browsers ("UAH 1.00" or "UAH1.00", "грн" or "₴"). Shared by the pages'
// scripts: window.tfMoney(parts) is a function of a decimal string.
"use strict";
window.tfMoney = (M) => (amount) => {
  if (amount == null || amount === "") return "—";
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(amount).trim());
  if (!match) return String(amount);
  const [, minus, whole, frac = ""] = match;
  // Round half up to the currency's decimals, on integers (no floats).
  const scale = 10n ** BigInt(M.digits);
  let units = BigInt(whole || "0") * scale + BigInt((frac + "0".repeat(M.digits)).slice(0, M.digits) || "0");
  if (frac.length > M.digits && Number(frac[M.digits]) >= 5) units += 1n;
  const wholeText = String(units / scale).replace(/\B(?=(\d{3})+(?!\d))/g, M.group);
  const fracText = M.digits ? M.decimal + String(units % scale).padStart(M.digits, "0") : "";
  return `${minus && units ? M.minus : ""}${M.prefix}${wholeText}${fracText}${M.suffix}`;
};
