// The CRM pages' small behaviours. No inline handlers: the Content-Security-Policy forbids them.
// Forms marked data-crm-confirm ask before they are sent (deleting, merging, rotating a feed).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.crmConfirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// "Copy" buttons (data-copy: the selector of the field to copy), shown where the clipboard is.
function showCopyButtons(root) {
  if (!navigator.clipboard) return;
  root.querySelectorAll("button[data-copy]").forEach((button) => { button.hidden = false; });
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  navigator.clipboard.writeText(field.value).then(() => {
    button.textContent = button.dataset.copied || button.textContent;
  });
});
document.addEventListener("DOMContentLoaded", () => showCopyButtons(document));

// Clicking into the feed address selects all of it.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[readonly]#feed-url")) event.target.select();
});
