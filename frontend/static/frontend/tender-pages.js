// The tender pages: forms marked data-confirm ask before they are sent (deleting, cancelling).
// No inline handlers: the Content-Security-Policy forbids them.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
