// The rule editor: choosing a trigger reloads the form with its fields; each action row shows
// the inputs of its kind only; "Add" buttons copy the last row (its inputs emptied, an action
// row's index raised). Without this script every input is shown and the "Choose" button works.
(function () {
  "use strict";
  function showKind(row) {
    var kind = row.querySelector(".action-kind");
    if (!kind) { return; }
    row.querySelectorAll(".action-inputs").forEach(function (group) {
      group.hidden = group.dataset.kind !== kind.value;
    });
  }
  function renumber(row, index) {
    row.dataset.index = String(index);
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace(/^a\d+-/, "a" + index + "-");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("rule-form");
    if (!form) { return; }
    var trigger = document.getElementById("rule-trigger");
    var choose = document.getElementById("choose-trigger");
    if (trigger && choose) {
      choose.hidden = true;
      trigger.addEventListener("change", function () { choose.click(); });
    }
    form.querySelectorAll(".action-row").forEach(showKind);
    form.addEventListener("change", function (e) {
      if (e.target.classList.contains("action-kind")) { showKind(e.target.closest(".action-row")); }
    });
    form.querySelectorAll(".add-row").forEach(function (button) {
      button.addEventListener("click", function () {
        var rows = document.getElementById(button.dataset.rows);
        var last = rows.lastElementChild;
        if (!last) { return; }
        var copy = last.cloneNode(true);
        copy.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; });
        copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
        if (copy.classList.contains("action-row")) {
          renumber(copy, Number(last.dataset.index) + 1);
          showKind(copy);
        }
        rows.appendChild(copy);
      });
    });
  });
})();
