// Shows every <time datetime="..."> in the reader's own time zone and language.
// Without JavaScript the server's UTC text stays, which is still correct.
(function () {
  "use strict";
  var withTime = { dateStyle: "medium", timeStyle: "short" };
  var dateOnly = { dateStyle: "medium" };
  document.querySelectorAll("time[datetime]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    var showsTime = /\d:\d\d/.test(element.textContent);
    element.title = moment.toISOString();
    element.textContent = moment.toLocaleString(undefined, showsTime ? withTime : dateOnly);
  });
})();
