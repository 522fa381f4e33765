// Nothing typed is lost to a crash, a closed tab or a slip of the back button: every form
// marked data-draft="KEY" keeps a copy of its fields in this browser (localStorage) while
// it is typed into, offers it back when the form is opened again ("Restore unsaved
// text?"), and warns before the page is left with unsaved changes.
//
// Saving clears the copy. A form's submit only says "sent"; the page that follows says
// how it went: the same form marked data-unsaved (sent back with an error, or after a
// login) means not saved, so the copy stays; any page reached through the redirect that
// follows a successful save means saved, so the copy goes. Anything else (an error page
// of the browser, a reload) keeps it, to be offered again.
(function () {
  "use strict";
  var PREFIX = "blog-draft:";
  var SENT = "blog-draft-sent"; // sessionStorage: the draft this tab just sent
  var SKIPPED = { csrf_token: true, form_owner: true };
  var store = storageOrNull("localStorage");
  var tab = storageOrNull("sessionStorage");
  if (!store) return;

  function storageOrNull(name) {
    try {
      var storage = window[name];
      storage.setItem("blog-draft-probe", "1");
      storage.removeItem("blog-draft-probe");
      return storage;
    } catch (error) {
      return null; // storage turned off: the server's own safety nets remain
    }
  }

  function kept(element) {
    if (!element.name || SKIPPED[element.name] || element.disabled) return false;
    if (element.type === "hidden") return element.name === "version"; // an edit's base version
    return ["file", "submit", "button", "reset", "password"].indexOf(element.type) < 0;
  }

  function snapshot(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      if (element.type === "radio") {
        if (element.checked) values[element.name] = element.value;
      } else if (element.type === "checkbox") {
        values[element.name] = element.checked ? element.value : "";
      } else {
        values[element.name] = element.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element) || !(element.name in values)) return;
      if (element.type === "radio") element.checked = element.value === values[element.name];
      else if (element.type === "checkbox") element.checked = values[element.name] !== "";
      else element.value = values[element.name];
      element.dispatchEvent(new Event("input", { bubbles: true })); // the preview follows
      // and so does whatever listens for choices (the schedule's time shows for "Scheduled")
      if (element.type === "radio" || element.type === "checkbox") {
        element.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function same(a, b) {
    // The base version is carried along, but only what was typed makes two copies differ.
    var names = Object.keys(a).concat(Object.keys(b)).filter(function (name) { return name !== "version"; });
    return names.every(function (name) { return (a[name] || "") === (b[name] || ""); });
  }

  function read(key) {
    try {
      var draft = JSON.parse(store.getItem(key));
      return draft && typeof draft.values === "object" ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function write(key, values) {
    try {
      store.setItem(key, JSON.stringify({ values: values, savedAt: new Date().toISOString() }));
    } catch (error) { /* full: the warning before leaving still protects the text */ }
  }

  function settleWhatWasSent() {
    var key = tab && tab.getItem(SENT);
    if (!key) return;
    tab.removeItem(SENT);
    var cameBack = Array.prototype.some.call(document.querySelectorAll("form[data-draft][data-unsaved]"),
      function (form) { return PREFIX + form.dataset.draft === key; });
    var navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var answeredWithRedirect = navigation && navigation.redirectCount > 0 && navigation.type === "navigate";
    if (!cameBack && answeredWithRedirect) store.removeItem(key); // saved
  }

  function offer(form, key, draft, onDecided) {
    var box = document.createElement("div");
    box.className = "draft-offer";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Unsaved text");
    var text = document.createElement("p");
    var when = new Date(draft.savedAt);
    text.textContent = "This browser kept text you typed in this form" +
      (isNaN(when.getTime()) ? "" : " (" + when.toLocaleString() + ")") + " that was never saved. Restore unsaved text?";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button";
    restore.textContent = "Restore it";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button secondary";
    discard.textContent = "Discard it";
    restore.addEventListener("click", function () {
      apply(form, draft.values);
      box.remove();
      onDecided();
      var first = form.querySelector("textarea, input[type=text]");
      if (first) first.focus();
    });
    discard.addEventListener("click", function () {
      store.removeItem(key);
      box.remove();
      onDecided();
    });
    var buttons = document.createElement("p");
    buttons.className = "draft-offer-actions";
    buttons.append(restore, " ", discard);
    box.append(text, buttons);
    form.prepend(box);
  }

  function protect(form) {
    var key = PREFIX + form.dataset.draft;
    var initial = snapshot(form); // what the server put in the form
    var unsaved = form.hasAttribute("data-unsaved"); // the server sent it back: its text is not saved
    var sending = false;
    var deciding = false;
    var timer = null;

    function changed() {
      return unsaved || !same(snapshot(form), initial);
    }

    var status = document.createElement("p");
    status.className = "draft-status hint";
    form.append(status);

    function keep() {
      clearTimeout(timer);
      if (deciding || sending) return; // the offered copy stays until its reader decides
      if (changed()) {
        write(key, snapshot(form));
        status.textContent = "Not saved yet; a copy is kept in this browser (" +
          new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ").";
      } else {
        store.removeItem(key);
        status.textContent = "";
      }
    }

    var draft = read(key);
    if (unsaved) {
      write(key, initial); // the server's copy of what was typed is the newest one
    } else if (draft && !same(draft.values, initial)) {
      deciding = true;
      offer(form, key, draft, function () { deciding = false; keep(); });
    } else if (draft) {
      store.removeItem(key); // the form holds it all already
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(keep, 400);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function (event) {
      // Held back by another script (pictures still uploading): not sent, still being written.
      if (event.defaultPrevented) return;
      keep();
      sending = true;
      if (tab) tab.setItem(SENT, key);
    });
    window.addEventListener("pagehide", keep);
    window.addEventListener("beforeunload", function (event) {
      if (sending || !changed()) return;
      keep();
      event.preventDefault();
      event.returnValue = ""; // the browser asks "Leave site? Changes you made may not be saved."
    });
    // Back to this page from the browser's cache: it is being written in again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) sending = false;
    });
  }

  settleWhatWasSent();
  document.querySelectorAll("form[data-draft]").forEach(protect);
})();
