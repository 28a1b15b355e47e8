// A button marked data-print opens the browser's print dialog (the page's print stylesheet
// lays it out on A4). Inline handlers are not allowed by the content security policy.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
