// Translation on order: ask before a form marked data-confirm is sent, and on the order form
// show the platform field only when a certificate (value "c-<id>") is chosen.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  function togglePlatform() {
    var form = document.getElementById("order-form");
    var select = document.getElementById("id_platform");
    if (!form || !select) return;
    var field = select.closest(".field");
    var chosen = form.querySelectorAll('input[name="documents"]:checked');
    var certificate = Array.prototype.some.call(chosen, function (box) {
      return box.value.indexOf("c-") === 0;
    });
    if (field) field.classList.toggle("field-hidden", !certificate);
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "documents") togglePlatform();
  });
  document.addEventListener("DOMContentLoaded", togglePlatform);
})();
