/* The session page's duration timer: one tap starts, one tap stops and posts the seconds.
   A static file (no inline script), so the Content-Security-Policy needs no 'unsafe-inline'. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-timer]");
  if (!button) { return; }
  var form = button.form;
  if (!button.dataset.started) {
    button.dataset.started = String(Date.now());
    button.setAttribute("aria-pressed", "true");
    button.textContent = "■ Stop · 0 s";
    button._tick = window.setInterval(function () {
      var s = Math.round((Date.now() - Number(button.dataset.started)) / 1000);
      button.textContent = "■ Stop · " + s + " s";
    }, 1000);
    return;
  }
  window.clearInterval(button._tick);
  var seconds = Math.max(1, Math.round((Date.now() - Number(button.dataset.started)) / 1000));
  delete button.dataset.started;
  form.querySelector("input[name=value]").value = String(seconds);
  form.requestSubmit();
});
