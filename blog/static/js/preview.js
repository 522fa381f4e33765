// Live preview of the post body: sends the Markdown to the server's own renderer
// (the same safe pipeline that saves posts) and shows what it returns. When it cannot
// (a body past the limit, a session that has ended), it says why instead of going stale.
(function () {
  "use strict";
  var body = document.querySelector("textarea[data-preview]");
  var panel = document.getElementById("preview-panel");
  var target = document.getElementById("preview");
  var form = body && body.form;
  if (!body || !panel || !target || !form) return;
  var token = form.querySelector("input[name=csrf_token]").value;
  var max = Number(body.dataset.previewMax) || 100000;
  var timer = null;
  var latest = 0;
  var note = document.createElement("p");
  note.className = "preview-note";
  note.id = "preview-note";
  note.setAttribute("role", "status");
  note.hidden = true;
  panel.insertBefore(note, target);

  function characters(text) {
    // As the server counts them (code points); a UTF-16 length can only be larger.
    return text.length > max ? Array.from(text).length : text.length;
  }

  function stopped(message) {
    note.textContent = message;
    note.hidden = false;
    target.hidden = true; // an old preview would look current
    panel.hidden = false;
  }

  function tooLong(count) {
    stopped("The preview stops at " + max.toLocaleString() + " characters, the most a post can have; the body has " +
      count.toLocaleString() + ". Shorten it to see the preview again (and to save it).");
  }

  function render() {
    var request = ++latest;
    var count = characters(body.value);
    if (count > max) return tooLong(count);
    fetch("/preview", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token },
      body: new URLSearchParams({ body: body.value }),
      credentials: "same-origin",
    })
      .then(function (response) {
        if (request !== latest) return; // an older answer arriving late
        if (response.status === 413) return tooLong(count);
        if (response.redirected || response.status === 403) {
          // Sent to the login form, or the session's token changed: the session has ended.
          return stopped("The preview stopped because you are no longer logged in. Your text is still here: " +
            "press Save and it is kept for you while you log in again.");
        }
        if (!response.ok) return Promise.reject(response.status);
        return response.text().then(function (html) {
          if (request !== latest) return;
          target.innerHTML = html; // sanitized by the server, exactly as a saved post
          target.hidden = false;
          note.hidden = true;
          panel.hidden = false;
        });
      })
      .catch(function () { /* the preview is a convenience; saving still works */ });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(render, 300);
  });
  if (body.value.trim()) render();
})();
