// Live comments for a post page: new and deleted comments appear without a reload,
// "N reading now" and "alice is typing…" show who is here. After a dropped connection
// it reconnects with backoff and asks for what it missed. Without JavaScript the page
// and its comment form work as they are.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  if (!section || !("WebSocket" in window)) return;
  var list = document.getElementById("comment-list");
  var presence = document.getElementById("presence");
  var typing = document.getElementById("typing");
  var empty = document.getElementById("no-comments");
  var form = document.getElementById("comment-form");
  var me = section.dataset.username;
  var moderator = section.dataset.moderator === "yes";
  var tokenInput = form && form.querySelector("input[name=csrf_token]");
  var socket = null;
  var retries = 0;
  var typingTimer = null;
  var lastTypingSent = 0;

  function lastCommentId() {
    var ids = Array.prototype.map.call(list.querySelectorAll("[data-comment-id]"), function (item) {
      return Number(item.dataset.commentId);
    });
    return ids.length ? Math.max.apply(null, ids) : 0;
  }

  function refreshEmpty() {
    if (empty) empty.hidden = list.children.length > 0;
  }

  function deleteForm(id) {
    var form = document.createElement("form");
    form.method = "post";
    form.className = "comment-delete";
    form.action = section.dataset.deleteUrl.replace("/comments/0/", "/comments/" + id + "/");
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = tokenInput.value;
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "link-button";
    button.textContent = "Delete";
    form.append(token, button);
    return form;
  }

  function addComment(event) {
    if (document.getElementById("comment-" + event.id)) return;
    var item = document.createElement("li");
    item.className = "comment comment-new";
    item.id = "comment-" + event.id;
    item.dataset.commentId = String(event.id);
    var meta = document.createElement("p");
    meta.className = "meta";
    var author = document.createElement("a");
    author.href = "/authors/" + encodeURIComponent(event.author);
    author.textContent = event.author_name || event.author;
    if (event.author_avatar) {
      var avatar = document.createElement("img");
      avatar.className = "avatar";
      avatar.src = "/images/" + encodeURIComponent(event.author_avatar);
      avatar.alt = "";
      avatar.width = avatar.height = 32;
      meta.append(avatar, " ");
    }
    var time = document.createElement("time");
    time.dateTime = event.created_at;
    time.title = new Date(event.created_at).toISOString();
    time.textContent = new Date(event.created_at).toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    });
    meta.append(author, " · ", time);
    var body = document.createElement("div");
    body.className = "comment-body";
    body.innerHTML = event.body_html; // rendered and sanitized by the server's Markdown pipeline
    item.append(meta, body);
    if (tokenInput && (event.author === me || moderator)) item.append(deleteForm(event.id));
    var next = Array.prototype.find.call(list.children, function (other) {
      return Number(other.dataset.commentId) > event.id;
    });
    list.insertBefore(item, next || null);
    refreshEmpty();
    if (typing.dataset.username === event.author) clearTyping();
  }

  function removeComment(id) {
    var item = document.getElementById("comment-" + id);
    if (item) item.remove();
    refreshEmpty();
  }

  function keepOnly(ids) {
    var keep = {};
    ids.forEach(function (id) { keep[id] = true; });
    Array.prototype.slice.call(list.children).forEach(function (item) {
      if (!keep[item.dataset.commentId]) item.remove();
    });
    refreshEmpty();
  }

  function showPresence(event) {
    presence.textContent = event.count === 1 ? "1 reading now" : event.count + " reading now";
  }

  function clearTyping() {
    clearTimeout(typingTimer);
    typing.textContent = "";
    delete typing.dataset.username;
  }

  function showTyping(event) {
    if (event.username && event.username === me) return;
    // Anonymous readers are not told who types (the server sends them no names).
    typing.textContent = (event.username || "Someone") + " is typing…";
    typing.dataset.username = event.username || "";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(clearTyping, 3000);
  }

  var handlers = {
    presence: showPresence,
    comment_added: addComment,
    comment_deleted: function (event) { removeComment(event.id); },
    typing: showTyping,
    caught_up: function (event) { keepOnly(event.ids.map(String)); },
  };

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + section.dataset.liveUrl);
    socket.addEventListener("open", function () {
      section.classList.add("is-live");
      socket.send(JSON.stringify({ kind: "catch_up", after: lastCommentId() }));
    });
    socket.addEventListener("message", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      var handler = handlers[event.kind];
      if (handler) handler(event);
      // Back-off resets only once the server has really taken us back, so a server that
      // drops readers right after accepting them is not hammered every second.
      if (event.kind === "caught_up") retries = 0;
    });
    socket.addEventListener("close", function () {
      section.classList.remove("is-live");
      presence.textContent = "Reconnecting…";
      clearTyping();
      // 1 s, 2 s, 4 s … up to 30 s, with jitter so a restarted server is not stormed.
      var delay = Math.min(30000, 1000 * Math.pow(2, retries++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  if (form && me) {
    form.querySelector("textarea").addEventListener("input", function () {
      var now = Date.now();
      if (socket && socket.readyState === WebSocket.OPEN && now - lastTypingSent > 2000) {
        lastTypingSent = now;
        socket.send(JSON.stringify({ kind: "typing" }));
      }
    });
  }
  connect();
})();
