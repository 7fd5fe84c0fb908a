// Progressive enhancement for the module page: keep the "I have read up to" choice in step
// with the section on screen, so pausing saves the right place without extra steps.
// The page works fully without this script.
(function () {
  "use strict";
  var selects = document.querySelectorAll(".pause-section");
  if (!selects.length || !("IntersectionObserver" in window)) { return; }
  var ids = Array.prototype.map.call(selects[0].options, function (o) { return o.value; })
    .filter(function (v) { return v; });
  var headings = ids.map(function (id) { return document.getElementById(id); })
    .filter(function (h) { return h; });
  var touched = false;
  selects.forEach(function (s) { s.addEventListener("change", function () { touched = true; }); });
  function update() {
    if (touched) { return; }
    var current = "";
    headings.forEach(function (h) { if (h.getBoundingClientRect().top < window.innerHeight / 3) { current = h.id; } });
    selects.forEach(function (s) { s.value = current; });
  }
  var observer = new IntersectionObserver(update, { rootMargin: "0px 0px -66% 0px" });
  headings.forEach(function (h) { observer.observe(h); });
})();
