// A conversation, live: messages appear as they are sent (from any tab or server), "… is
// typing" shows while the other member writes, and "Seen" once they have read yours. The
// form sends through the member socket (member.js) when it is open, else as a plain POST.
(function () {
  "use strict";
  var section = document.getElementById("conversation");
  if (!section) return;
  var list = document.getElementById("message-list");
  var empty = document.getElementById("no-messages");
  var typing = document.getElementById("typing");
  var seen = document.getElementById("seen");
  var form = document.getElementById("message-form");
  var textarea = form.querySelector("textarea");
  var error = document.getElementById("error-message");
  var other = section.dataset.other;
  var me = section.dataset.me;
  var typingTimer = null;
  var lastTypingSent = 0;
  var live = false;
  var pending = null;

  function send(message) {
    var request = { message: message, sent: false };
    document.dispatchEvent(new CustomEvent("member:send", { detail: request }));
    return request.sent;
  }

  function clearTyping() {
    clearTimeout(typingTimer);
    typing.textContent = "";
  }

  function markSeen(id) {
    if (document.visibilityState === "visible") send({ kind: "seen", message_id: id });
  }

  function formatTime(iso) {
    return new Date(iso).toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    });
  }

  function addMessage(event) {
    var mine = event.from === me;
    if (!(mine && event.to === other) && !(event.from === other && event.to === me)) return;
    if (document.getElementById("message-" + event.id)) return;
    var item = document.createElement("li");
    item.className = "message " + (mine ? "mine" : "theirs") + " message-new";
    item.id = "message-" + event.id;
    item.dataset.messageId = String(event.id);
    var meta = document.createElement("p");
    meta.className = "meta";
    var time = document.createElement("time");
    time.dateTime = event.created_at;
    time.textContent = formatTime(event.created_at);
    meta.append(mine ? "You" : (section.dataset.otherName || other), " · ", time);
    var body = document.createElement("div");
    body.className = "message-body";
    body.innerHTML = event.body_html; // rendered and sanitized by the server's Markdown pipeline
    item.append(meta, body);
    list.append(item);
    if (empty) empty.hidden = true;
    if (mine) {
      seen.textContent = "";
      if (pending !== null && textarea.value === pending) textarea.value = "";
      pending = null;
    } else {
      clearTyping();
      markSeen(event.id);
    }
  }

  document.addEventListener("member:open", function () { live = true; section.classList.add("is-live"); });
  document.addEventListener("member:closed", function () {
    live = false;
    section.classList.remove("is-live");
    clearTyping();
  });
  document.addEventListener("member:message", function (event) { addMessage(event.detail); });
  document.addEventListener("member:typing", function (event) {
    if (event.detail.from !== other) return;
    typing.textContent = (section.dataset.otherName || other) + " is typing…";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(clearTyping, 3000);
  });
  document.addEventListener("member:seen", function (event) {
    if (event.detail.by !== other) return;
    seen.dataset.upTo = String(event.detail.up_to);
    seen.textContent = "Seen";
  });
  document.addEventListener("member:error", function (event) {
    if (pending === null) return;
    error.textContent = event.detail.message;
    error.hidden = false;
    textarea.setAttribute("aria-invalid", "true");
    pending = null;
  });
  document.addEventListener("visibilitychange", function () {
    var theirs = list.querySelectorAll(".message.theirs");
    if (theirs.length) markSeen(Number(theirs[theirs.length - 1].dataset.messageId));
  });

  textarea.addEventListener("input", function () {
    var now = Date.now();
    if (live && now - lastTypingSent > 2000 && send({ kind: "typing", to: other })) lastTypingSent = now;
  });
  form.addEventListener("submit", function (event) {
    var body = textarea.value;
    if (!live || !body.trim()) return; // the plain form: the server answers with the page
    if (send({ kind: "message", to: other, body: body })) {
      event.preventDefault();
      pending = body;
      error.hidden = true;
      textarea.removeAttribute("aria-invalid");
    }
  });
  // member.js may have connected before this script ran (each deferred script runs in a task of its own).
  var nav = document.getElementById("nav-messages");
  if (nav && nav.dataset.live) {
    live = true;
    section.classList.add("is-live");
  }
  var newest = list.lastElementChild;
  if (newest) newest.scrollIntoView({ block: "end" });
})();
