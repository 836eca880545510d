// The staff console: a new help request sounds and is announced; the board's poll keeps focus.
// No inline scripts (the Content-Security-Policy holds).
(function () {
  "use strict";
  var live = document.getElementById("live");
  var known = null;
  function ids(board) {
    return (board && board.dataset.requests ? board.dataset.requests.split(" ") : []).filter(Boolean);
  }
  function chime() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.6);
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.6);
    } catch (e) { /* a console without sound still shows and announces the request */ }
  }
  function check() {
    var board = document.getElementById("board");
    if (!board) return;
    var now = ids(board);
    if (known !== null) {
      var fresh = now.filter(function (id) { return known.indexOf(id) < 0; });
      if (fresh.length) {
        var row = board.querySelector('[data-help="' + fresh[0] + '"]');
        var text = "Permintaan bantuan baru" + (row ? ": kiosk " + row.querySelector("th").textContent
          + ", " + row.children[1].textContent : "");
        if (live) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }
        document.body.dataset.lastAlert = fresh[0];
        chime();
      }
    }
    known = now;
  }
  // Keep the keyboard user's place across the board's poll: the same button, found again.
  var focusKey = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var el = document.activeElement;
    if (!el || !el.closest("#board")) { focusKey = null; return; }
    var row = el.closest("[data-help], [data-kiosk]");
    focusKey = row ? [row.hasAttribute("data-help") ? "data-help" : "data-kiosk",
                      row.getAttribute("data-help") || row.getAttribute("data-kiosk"),
                      el.getAttribute("data-action")] : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    check();
    if (!focusKey) return;
    var target = document.querySelector("[" + focusKey[0] + '="' + focusKey[1] + '"] [data-action="'
      + focusKey[2] + '"]');
    if (target) target.focus();
    focusKey = null;
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", check);
  else check();
})();
