// Live comments for a post page: new comments and replies, edits, deletions and reactions
// appear without a reload; "N reading now" and "alice is typing…" show who is here.
// Reaction buttons answer at once (the form is sent in the background). After a dropped
// connection it reconnects with backoff and asks for what it missed. Without JavaScript the
// page and its forms work as they are.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  if (!section || !("WebSocket" in window)) return;
  var list = document.getElementById("comment-list");
  var template = document.getElementById("comment-template");
  var presence = document.getElementById("presence");
  var typing = document.getElementById("typing");
  var empty = document.getElementById("no-comments");
  var me = section.dataset.username;
  var moderator = section.dataset.moderator === "yes";
  var editor = section.dataset.editor === "yes";
  var emojiNames = JSON.parse(section.dataset.emojiNames || "{}");
  var since = section.dataset.since || null;
  var socket = null;
  var retries = 0;
  var typingTimer = null;
  var lastTypingSent = 0;

  function items() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-comment-id]"));
  }

  function lastCommentId() {
    var ids = items().map(function (item) { return Number(item.dataset.commentId); });
    return ids.length ? Math.max.apply(null, ids) : 0;
  }

  function refreshEmpty() {
    if (empty) empty.hidden = list.children.length > 0;
  }

  function formatTime(iso) {
    return new Date(iso).toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    });
  }

  // The template's comment has the id 0 in its addresses and element ids: give it the real one.
  function renumber(item, id) {
    var pattern = /(comments\/|comment-|reply-body-|reply-error-)0(?!\d)/g;
    [item].concat(Array.prototype.slice.call(item.querySelectorAll("*"))).forEach(function (element) {
      ["id", "href", "action", "for"].forEach(function (name) {
        var value = element.getAttribute(name);
        if (value) element.setAttribute(name, value.replace(pattern, "$1" + id));
      });
    });
    var parent = item.querySelector("input[name=parent_id]");
    if (parent) parent.value = String(id);
  }

  // "replying to @bob · edited": shown when there is either.
  function showNotes(item) {
    var notes = item.querySelector(".comment-notes");
    notes.hidden = item.querySelector(".replying-to").hidden && item.querySelector(".comment-edited").hidden;
  }

  function fillMeta(item, event) {
    var author = item.querySelector(".comment-author");
    if (event.author_deleted) {
      var gone = document.createElement("span");
      gone.className = "deleted-user";
      gone.textContent = event.author_name;
      author.replaceWith(gone);
    } else {
      author.href = "/authors/" + encodeURIComponent(event.author);
      author.textContent = event.author_name || event.author;
    }
    var avatar = item.querySelector(".meta .avatar");
    if (avatar && event.author_avatar) avatar.src = "/images/" + encodeURIComponent(event.author_avatar);
    else if (avatar) avatar.remove();
    var time = item.querySelector(".comment-time");
    time.dateTime = event.created_at;
    time.title = new Date(event.created_at).toISOString();
    time.textContent = formatTime(event.created_at);
    var answering = item.querySelector(".replying-to");
    if (event.reply_to_author && event.parent_id) {
      var link = answering.querySelector("a");
      link.href = "#comment-" + event.reply_to_id;
      link.textContent = "@" + event.reply_to_author;
      answering.hidden = false;
    }
    item.querySelector(".comment-edited").hidden = !event.edited_at;
    showNotes(item);
    var name = item.querySelector(".reply-to-name");
    if (name) name.textContent = event.author_name || event.author;
  }

  function buildComment(event) {
    var item = template.firstElementChild.cloneNode(true);
    renumber(item, event.id);
    item.dataset.commentId = String(event.id);
    item.dataset.author = event.author;
    item.classList.add("comment-new");
    fillMeta(item, event);
    item.querySelector(".comment-body").innerHTML = event.body_html; // sanitized by the server's Markdown pipeline
    var edit = item.querySelector(".edit-link");
    if (edit && !(event.author === me || editor)) edit.remove();
    var remove = item.querySelector(".comment-delete");
    if (remove && !(event.author === me || moderator)) remove.remove();
    if (event.parent_id) {
      item.classList.add("reply");
      item.dataset.parentId = String(event.parent_id);
      var replies = item.querySelector(".replies");
      if (replies) replies.remove();
    }
    showReactions(item, []);
    return item;
  }

  function insertInOrder(container, item, id) {
    var next = Array.prototype.find.call(container.children, function (other) {
      return Number(other.dataset.commentId) > id;
    });
    container.insertBefore(item, next || null);
  }

  function addComment(event) {
    if (document.getElementById("comment-" + event.id)) return;
    var item = buildComment(event);
    var thread = event.parent_id && document.getElementById("comment-" + event.parent_id);
    var replies = thread && thread.querySelector(".replies");
    if (replies) {
      replies.hidden = false;
      insertInOrder(replies, item, event.id);
    } else {
      insertInOrder(list, item, event.id);
    }
    refreshEmpty();
    if (typing.dataset.username === event.author) clearTyping();
  }

  function editComment(event) {
    var item = document.getElementById("comment-" + event.id);
    if (!item) return;
    item.querySelector(".comment-body").innerHTML = event.body_html; // sanitized by the server
    item.querySelector(".comment-edited").hidden = false;
    showNotes(item);
  }

  function removeComment(id) {
    var item = document.getElementById("comment-" + id);
    if (item) item.remove();
    refreshEmpty();
  }

  function keepOnly(ids) {
    var keep = {};
    ids.forEach(function (id) { keep[id] = true; });
    items().forEach(function (item) {
      if (!keep[item.dataset.commentId]) item.remove();
    });
    refreshEmpty();
  }

  function describe(emoji, found) {
    var name = emojiNames[emoji] || emoji;
    return found ? name + ": " + found.usernames.join(", ") : name;
  }

  // The reactions of one comment: the buttons of the member's form, or a reader's plain list.
  function showReactions(item, reactions) {
    var byEmoji = {};
    reactions.forEach(function (reaction) { byEmoji[reaction.emoji] = reaction; });
    var form = item.querySelector("form.reactions");
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll("button[name=emoji]"), function (button) {
        var found = byEmoji[button.value];
        button.querySelector(".count").textContent = found ? String(found.count) : "";
        button.classList.toggle("given", Boolean(found));
        button.setAttribute("aria-pressed", found && found.usernames.indexOf(me) >= 0 ? "true" : "false");
        button.title = describe(button.value, found);
      });
      return;
    }
    var plain = item.querySelector("p.reactions");
    if (!plain) return;
    plain.textContent = "";
    reactions.forEach(function (reaction) {
      var span = document.createElement("span");
      span.className = "reaction given";
      span.title = describe(reaction.emoji, reaction);
      var count = document.createElement("span");
      count.className = "count";
      count.textContent = String(reaction.count);
      span.append(reaction.emoji, count);
      plain.append(span);
    });
    plain.hidden = reactions.length === 0;
  }

  function reactionsChanged(event) {
    var item = document.getElementById("comment-" + event.id);
    if (item) showReactions(item, event.reactions);
  }

  function caughtUp(event) {
    keepOnly(event.ids.map(String));
    items().forEach(function (item) {
      showReactions(item, (event.reactions || {})[item.dataset.commentId] || []);
    });
    if (event.at) since = event.at;
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
    comment_edited: editComment,
    comment_deleted: function (event) { removeComment(event.id); },
    reactions_changed: reactionsChanged,
    typing: showTyping,
    caught_up: caughtUp,
  };

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + section.dataset.liveUrl);
    socket.addEventListener("open", function () {
      section.classList.add("is-live");
      var request = { kind: "catch_up", after: lastCommentId() };
      if (since) request.since = since;
      socket.send(JSON.stringify(request));
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

  // A reaction is sent in the background and shown from the answer (and from the socket,
  // for everybody else); if that fails, the form is sent the ordinary way.
  section.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.classList.contains("reactions") || !button || button.name !== "emoji") return;
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    data.set("emoji", button.value);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error("reaction refused: " + response.status);
      return response.json();
    }).then(function (answer) {
      reactionsChanged(answer);
    }).catch(function () {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "emoji";
      field.value = button.value;
      form.append(field);
      form.submit();
    });
  });

  if (me) {
    section.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA") return;
      var now = Date.now();
      if (socket && socket.readyState === WebSocket.OPEN && now - lastTypingSent > 2000) {
        lastTypingSent = now;
        socket.send(JSON.stringify({ kind: "typing" }));
      }
    });
  }
  connect();
})();
