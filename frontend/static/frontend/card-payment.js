// Card forms with Stripe.js (Elements), two entry points on one kind of form
// (templates/frontend/security/_card_form.html, `form[data-card-mode]`):
//
// * "payment": an invoice's PaymentIntent, confirmed with stripe.confirmCardPayment;
// * "setup": a card saved for a bid security, a SetupIntent confirmed with
//   stripe.confirmCardSetup.
//
// The server gave the intent's client secret and the publishable key (data attributes) and every
// word shown here, translated; Stripe.js's own messages (a declined card) come in the page's
// language (`locale`). Nothing is marked paid or provided from here: Stripe's webhook tells the
// server, which reads the intent back from Stripe. Loaded after Stripe.js (both deferred); no
// inline script (the site's Content-Security-Policy).
(function () {
  "use strict";

  // An intent in these states is done on the card's side (the money or the card is Stripe's
  // to settle now).
  var DONE = {
    payment: ["succeeded", "processing", "requires_capture"],
    setup: ["succeeded", "processing"],
  };

  // The languages Stripe.js speaks (its supported locales, by language). On a page in another
  // (Ukrainian) its messages fall back to English, so a declined card is first said in the
  // page's own words, with Stripe's after them.
  var STRIPE_LANGUAGES = [
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fil", "fr", "he", "hr", "hu",
    "id", "it", "ja", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl",
    "sv", "tr", "zh",
  ];

  function start(form) {
    if (form.dataset.cardStarted) return;
    form.dataset.cardStarted = "1";
    var mode = form.dataset.cardMode === "setup" ? "setup" : "payment";
    var errors = form.querySelector("[data-card-errors]");
    var done = form.querySelector("[data-card-done]");
    var button = form.querySelector("[data-card-submit]");
    if (typeof window.Stripe !== "function") {
      errors.textContent = form.dataset.unavailable;
      button.disabled = true;
      return;
    }
    var locale = form.dataset.locale || document.documentElement.lang || "auto";
    var stripeSpeaks = STRIPE_LANGUAGES.indexOf(locale.split("-")[0]) >= 0;
    var stripe = window.Stripe(form.dataset.publishableKey, { locale: locale });
    var card = stripe.elements().create("card");
    card.mount(form.querySelector("[data-card-element]"));
    card.on("change", function (event) {
      // Stripe.js says what is wrong as it is typed (an incomplete number, a past date).
      errors.textContent = event && event.error ? event.error.message : "";
    });

    function failed(message) {
      errors.textContent = message || form.dataset.failed;
      button.disabled = false;
    }

    function refused(error) {
      var message = (error && error.message) || "";
      var declined = error && (error.type === "card_error" || error.code === "card_declined");
      if (declined && !stripeSpeaks) {
        failed(form.dataset.declined + (message ? " (" + message + ")" : ""));
      } else {
        failed(message);
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      errors.textContent = "";
      var secret = form.dataset.clientSecret;
      var data = { payment_method: { card: card } };
      var confirming;
      try {
        confirming =
          mode === "setup"
            ? stripe.confirmCardSetup(secret, data)
            : stripe.confirmCardPayment(secret, data);
      } catch (error) {
        failed(error && error.message);
        return;
      }
      Promise.resolve(confirming).then(
        function (result) {
          if (!result || result.error) {
            refused(result && result.error);
            return;
          }
          var intent = mode === "setup" ? result.setupIntent : result.paymentIntent;
          if (!intent || DONE[mode].indexOf(intent.status) < 0) {
            failed();
            return;
          }
          done.textContent = form.dataset.success;
          done.hidden = false;
          button.hidden = true;
          form.classList.add("card-form-done");
        },
        function (error) {
          failed(error && error.message);
        },
      );
    });
  }

  function startAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("form[data-card-mode]")) start(scope);
    scope.querySelectorAll("form[data-card-mode]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      startAll(document);
    });
  } else {
    startAll(document);
  }
  // A part of the page redrawn by htmx may bring a card form.
  document.addEventListener("htmx:load", function (event) {
    startAll(event.detail && event.detail.elt);
  });
})();
