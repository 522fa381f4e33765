// The post form's schedule: the time is typed in the writer's own time zone, which this
// script tells the server (the hidden "timezone" field, UTC without JavaScript), and the
// time field shows only when "Scheduled" is chosen.
(function () {
  "use strict";
  var at = document.getElementById("field-publish-at");
  var zoneInput = document.getElementById("field-timezone");
  var hint = document.getElementById("timezone-hint");
  var box = document.getElementById("publish-at");
  if (!at || !zoneInput || !box) return;
  var zone = "UTC";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (error) { /* keep UTC */ }

  function pad(number) { return String(number).padStart(2, "0"); }

  // A time the server filled in (a saved schedule) is in UTC: show it in the writer's zone.
  if (zoneInput.value === "UTC" && at.value && zone !== "UTC") {
    var moment = new Date(at.value + "Z");
    if (!isNaN(moment.getTime())) {
      at.value = moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) + "T" +
        pad(moment.getHours()) + ":" + pad(moment.getMinutes()) + ":" + pad(moment.getSeconds());
    }
  }
  zoneInput.value = zone;
  if (hint) hint.textContent = "(your time, " + zone + ")";

  var choices = document.querySelectorAll("input[name=status]");
  function showWhenScheduled() {
    var chosen = document.querySelector("input[name=status]:checked");
    box.hidden = !(chosen && chosen.value === "scheduled");
  }
  Array.prototype.forEach.call(choices, function (choice) { choice.addEventListener("change", showWhenScheduled); });
  showWhenScheduled();
})();
