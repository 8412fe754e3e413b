// Small behaviours every page shares. No inline handlers: the Content-Security-Policy forbids them.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches("select[data-autosubmit]")) field.form.submit();
});
