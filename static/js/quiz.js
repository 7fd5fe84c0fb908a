// Progressive enhancement for timed quizzes: show the minutes left beside the deadline.
// The deadline is also printed as text and enforced on the server; this is only a cue.
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  if (!timer) { return; }
  var deadline = Date.parse(timer.getAttribute("data-deadline"));
  var out = timer.querySelector(".timer-remaining");
  if (!deadline || !out) { return; }
  var announced = {};
  function tick() {
    var minutes = Math.ceil((deadline - Date.now()) / 60000);
    if (minutes <= 0) { out.textContent = "Time is up: please submit now."; return; }
    // Update the text each minute; the live region speaks only at 10, 5 and 1 minutes.
    var text = "About " + minutes + " minute" + (minutes === 1 ? "" : "s") + " left.";
    if ([10, 5, 1].indexOf(minutes) >= 0 && !announced[minutes]) {
      announced[minutes] = true;
      out.setAttribute("aria-live", "polite");
    } else {
      out.setAttribute("aria-live", "off");
    }
    out.textContent = text;
  }
  tick();
  setInterval(tick, 15000);
})();
