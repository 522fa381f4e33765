// Shows every <time datetime="..."> in the reader's own time zone and language.
// Without JavaScript the server's UTC text stays, which is still correct.
(function () {
  "use strict";
  var dateOnly = { year: "numeric", month: "short", day: "numeric" };
  var withTime = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  document.querySelectorAll("time[datetime]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    var showsTime = /\d:\d\d/.test(element.textContent);
    element.title = moment.toISOString();
    element.textContent = moment.toLocaleString(undefined, showsTime ? withTime : dateOnly);
  });
})();
