// Pictures in the post's text: "Add image", dropping files on the body and pasting them
// upload each picture to POST /uploads and put its Markdown where the cursor is. The
// description typed in "Picture description" becomes the next picture's alt text.
// Without JavaScript the form's own "Add image" field does the same when the post is saved.
(function () {
  "use strict";
  var body = document.querySelector("textarea[data-uploads]");
  var form = body && body.form;
  var fileInput = document.getElementById("field-inline-image");
  var altInput = document.getElementById("field-inline-image-alt");
  var status = document.getElementById("upload-status");
  if (!body || !form || !fileInput || !altInput || !status || !window.fetch || !window.FormData) return;
  var token = form.querySelector("input[name=csrf_token]").value;
  var pending = 0;
  var counter = 0;

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function changed() {
    // The preview and anything else listening hear about the new text as if it were typed.
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function insertAtCursor(text) {
    var start = body.selectionStart, end = body.selectionEnd, value = body.value;
    var before = value.slice(0, start), after = value.slice(end);
    // A picture is a paragraph of its own.
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var trail = after && !/^\n/.test(after) ? "\n\n" : "\n";
    body.value = before + lead + text + trail + after;
    var caret = (before + lead + text + trail).length;
    body.setSelectionRange(caret, caret);
    changed();
  }

  function replacePlaceholder(placeholder, text) {
    var at = body.value.indexOf(placeholder);
    if (at < 0) return;
    body.value = body.value.slice(0, at) + text + body.value.slice(at + placeholder.length);
    changed();
  }

  function upload(file) {
    var alt = altInput.value.trim();
    var placeholder = "![Uploading " + (++counter) + "…]()";
    insertAtCursor(placeholder);
    pending += 1;
    say("Uploading " + (file.name || "the picture") + "…");
    var data = new FormData();
    data.append("image", file, file.name || "pasted-image");
    data.append("alt", alt);
    altInput.value = "";
    return fetch(body.dataset.uploads, {
      method: "POST",
      body: data,
      headers: { "X-CSRF-Token": token, "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) throw new Error(answer.message || "The picture could not be uploaded (" + response.status + ").");
          return answer;
        });
      })
      .then(function (answer) {
        replacePlaceholder(placeholder, answer.markdown);
        say("Added " + (file.name || "the picture") + " (" + answer.width + " × " + answer.height + ").");
      })
      .catch(function (error) {
        replacePlaceholder(placeholder, "");
        altInput.value = altInput.value || alt;
        say(error.message || "The picture could not be uploaded. Check the connection and try again.", true);
      })
      .then(function () { pending -= 1; });
  }

  function uploadAll(files) {
    var images = Array.prototype.filter.call(files, function (file) { return /^image\//.test(file.type); });
    images.reduce(function (previous, file) {
      return previous.then(function () { return upload(file); });
    }, Promise.resolve());
    return images.length > 0;
  }

  // "Add image": the file field uploads at once instead of waiting for Save.
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = "Add image";
  button.addEventListener("click", function () { fileInput.click(); });
  fileInput.hidden = true;
  fileInput.insertAdjacentElement("afterend", button);
  var label = form.querySelector("label[for=field-inline-image] .hint");
  if (label) label.textContent = "(JPEG, PNG, GIF or WebP; also drop or paste pictures into the text)";
  fileInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(fileInput.files);
    fileInput.value = ""; // uploaded now, not again on Save
    uploadAll(files);
  });

  body.addEventListener("dragover", function (event) {
    if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
      event.preventDefault();
      body.classList.add("is-drop-target");
    }
  });
  body.addEventListener("dragleave", function () { body.classList.remove("is-drop-target"); });
  body.addEventListener("drop", function (event) {
    body.classList.remove("is-drop-target");
    if (event.dataTransfer && event.dataTransfer.files.length && uploadAll(event.dataTransfer.files)) {
      event.preventDefault();
    }
  });
  body.addEventListener("paste", function (event) {
    if (event.clipboardData && event.clipboardData.files.length && uploadAll(event.clipboardData.files)) {
      event.preventDefault();
    }
  });
  form.addEventListener("submit", function (event) {
    if (pending > 0) {
      event.preventDefault();
      say("Wait until the pictures have finished uploading, then save.", true);
    }
  });
})();
