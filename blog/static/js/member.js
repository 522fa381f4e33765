// The member socket: one per tab, on every page of a signed-in member. It keeps the nav's
// unread counts current, shows a notification as it arrives, and hands messages, typing and
// "seen" to the conversation page (conversation.js) as `member:<kind>` events on document.
// After a dropped connection it reconnects with backoff and asks for what it missed, from the
// last message and notification it has. Without JavaScript the nav's counts are the page's.
(function () {
  "use strict";
  var nav = document.getElementById("nav-messages");
  if (!nav || !("WebSocket" in window)) return;
  var notificationsLink = document.getElementById("nav-notifications");
  var last = { message: Number(nav.dataset.messagesAfter) || 0, notification: Number(nav.dataset.notificationsAfter) || 0 };
  var socket = null;
  var retries = 0;

  function setBadge(link, count) {
    var badge = link.querySelector(".badge");
    if (!count) {
      if (badge) badge.remove();
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge count";
      link.append(" ", badge);
    }
    badge.textContent = String(count);
    badge.setAttribute("aria-label", count + " unread");
  }

  function showCounts(event) {
    if (typeof event.unread === "number") setBadge(notificationsLink, event.unread);
    if (typeof event.unread_messages === "number") setBadge(nav, event.unread_messages);
  }

  var toastTimer = null;
  function toast(event) {
    var box = document.getElementById("live-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "live-notice";
      box.className = "live-notice";
      box.setAttribute("role", "status");
      document.body.append(box);
    }
    box.textContent = "";
    var link = document.createElement("a");
    link.href = event.url;
    link.textContent = event.text;
    box.append(link);
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 8000);
  }

  function announce(event) {
    document.dispatchEvent(new CustomEvent("member:" + event.kind, { detail: event }));
  }

  var handlers = {
    message: function (event) { last.message = Math.max(last.message, event.id); },
    notification: function (event) {
      last.notification = Math.max(last.notification, event.id);
      showCounts(event);
      // A message shows in its conversation already; elsewhere it is news like any other.
      var conversation = document.getElementById("conversation");
      if (!(event.type === "message" && conversation && conversation.dataset.other === event.actor)) toast(event);
    },
    counts: showCounts,
    caught_up: function (event) { showCounts(event); retries = 0; },
  };

  function send(detail) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(detail));
      return true;
    }
    return false;
  }
  document.addEventListener("member:send", function (event) { event.detail.sent = send(event.detail.message); });

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + nav.dataset.liveUrl);
    socket.addEventListener("open", function () {
      send({ kind: "catch_up", messages_after: last.message, notifications_after: last.notification });
      nav.dataset.live = "yes";
      announce({ kind: "open" });
    });
    socket.addEventListener("message", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      if (handlers[event.kind]) handlers[event.kind](event);
      announce(event);
    });
    socket.addEventListener("close", function (event) {
      delete nav.dataset.live;
      announce({ kind: "closed" });
      if (event.code === 1008 || event.code === 4401) return;
      var delay = Math.min(30000, 1000 * Math.pow(2, retries++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }
  connect();
})();
