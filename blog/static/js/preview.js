// Live preview of the post body: sends the Markdown to the server's own renderer
// (the same safe pipeline that saves posts) and shows what it returns.
(function () {
  "use strict";
  var body = document.querySelector("textarea[data-preview]");
  var panel = document.getElementById("preview-panel");
  var target = document.getElementById("preview");
  var form = body && body.form;
  if (!body || !panel || !target || !form) return;
  var token = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var latest = 0;

  function render() {
    var request = ++latest;
    fetch("/preview", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token },
      body: new URLSearchParams({ body: body.value }),
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (request !== latest) return; // an older answer arriving late
        target.innerHTML = html; // sanitized by the server, exactly as a saved post
        panel.hidden = false;
      })
      .catch(function () { /* the preview is a convenience; saving still works */ });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(render, 300);
  });
  if (body.value.trim()) render();
})();
