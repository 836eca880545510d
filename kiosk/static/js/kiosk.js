// The kiosk's only script: focus and announcements after swaps, the keypad, the idle warning,
// the Settings dialog (text size and contrast in place), and the frame kept in step with the visit.
// No framework, no inline handlers (a strict Content-Security-Policy holds).
(function () {
  "use strict";

  var live = document.getElementById("live");
  var body = document.body;
  function announce(text) {
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 100);
  }
  function main() { return document.querySelector("main"); }
  // Time is up: Start over, posted as a page (a form made now: a form without a button in the
  // page would be a trap for a keyboard).
  function resetForIdle(url) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = url;
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrfToken();
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // While a request the participant made runs, the screen says it is busy (it dims after 0.4 s,
  // kiosk.css); the screen's own poll ([data-wait]) is not the participant waiting.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var m = main();
    var elt = event.detail && event.detail.elt;
    if (m && !(elt && elt.closest && elt.closest("[data-wait]"))) m.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function () {
    var m = main();
    if (m) m.removeAttribute("aria-busy");
  });

  // Focus: one rule, for keyboard, switch and screen-reader users (and voice.js to build on).
  // After every swap of <main>, focus moves to the screen's error summary if it shows one, else to
  // its <h1> (made focusable with tabindex="-1"; its ring shows only after keyboard use, as
  // :focus-visible decides), and the live region says the screen's words (voice.js's text, so a
  // listener and a screen-reader user get the same). Then "kiosk:focused" is dispatched on the
  // element. The dialogs are native modal <dialog>s: the browser keeps focus inside while one is
  // open, moves it in when it opens (Settings: its heading, by autofocus; the idle warning:
  // "Saya masih di sini", its only button) and gives it back to where it was when it closes.
  function focusScreen() {
    var summary = document.querySelector("main .error-summary");
    var heading = document.querySelector("main h1");
    var voice = document.querySelector("main audio[data-voice]");
    var target = summary || heading;
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
    announce(voice ? voice.dataset.text : target.textContent.replace(/\s+/g, " ").trim());
    target.dispatchEvent(new CustomEvent("kiosk:focused", { bubbles: true }));
  }
  document.addEventListener("htmx:afterSettle", focusScreen);

  // The screen's own poll ([data-wait]) asks about the screen it was sent from. Once the
  // participant has made a request (Mulai, a choice), its answer is old news: it may even carry
  // the visit that request has just ended, and would throw the new one back to the welcome
  // screen. So no poll is sent while the participant's request is on its way, and a poll answered
  // after the participant made one is dropped (the next poll asks again, 2 or 4 s later).
  var made = 0; // requests the participant has made on this page
  var onTheirWay = 0; // of them, not yet answered
  function isPoll(elt) { return !!(elt && elt.closest && elt.closest("[data-wait]")); }
  document.addEventListener("htmx:confirm", function (event) {
    if (onTheirWay > 0 && isPoll(event.detail.elt)) event.preventDefault();
  });
  document.addEventListener("htmx:beforeSend", function (event) {
    var detail = event.detail;
    if (isPoll(detail.elt)) { detail.xhr.kioskMade = made; return; }
    made += 1;
    onTheirWay += 1;
    detail.xhr.addEventListener("loadend", function () { onTheirWay -= 1; });
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail; // detail.elt is the target (main); the poll sent the request
    var source = detail.requestConfig && detail.requestConfig.elt;
    if (isPoll(source) && detail.xhr && detail.xhr.kioskMade !== made) detail.shouldSwap = false;
  });

  // One visit's screens: everything outside <main> (the language of the toolbar, the text size,
  // the contrast, the voice settings) belongs to the visit the page was loaded for. A swap that
  // brings another visit's screen (the visit ended: Selesai, Start over, a staff reset, the server's
  // idle end) loads that screen as a whole page instead, so the next person starts afresh. A page
  // loaded before any visit adopts the first visit a swap brings (Mulai).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail.shouldSwap || typeof detail.serverResponse !== "string") return;
    var found = /<main\b[^>]*\bdata-visit="([^"]*)"/.exec(detail.serverResponse);
    if (!found) return;
    var mine = body.dataset.visit || "";
    // The demonstration's first screen begins a visit of its own (kiosk.participant.practice),
    // replacing any the page was loaded for: the screen it brings is adopted, as Mulai's is.
    var demo = !!document.querySelector('main[data-step="how-it-works"]');
    if (mine && found[1] !== mine && !demo) {
      detail.shouldSwap = false;
      window.location.replace((detail.pathInfo && detail.pathInfo.responsePath) || "/");
    } else if (!mine || demo) {
      body.dataset.visit = found[1];
    }
  });

  // A modal dialog keeps Tab and Shift+Tab inside it, round and round (the browser would let focus
  // leave for its own toolbar after the last control).
  var FOCUSABLE = 'button:not([disabled]), [href], input:not([type="hidden"]):not([disabled]), ' +
                  'select, textarea, [tabindex]:not([tabindex="-1"])';
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var open = document.querySelectorAll("dialog[open]");
    var dialog = open.length ? open[open.length - 1] : null;
    if (!dialog || !dialog.matches(":modal")) return;
    var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return el.getClientRects().length > 0;
    });
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1], here = document.activeElement;
    var inside = dialog.contains(here);
    if (event.shiftKey && (!inside || here === first || here === dialog.querySelector("h2"))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (!inside || here === last)) {
      event.preventDefault();
      first.focus();
    }
  });

  // Settings (base.html): a native modal dialog opened and closed by invoker commands; this is the
  // fallback for a browser without them. Text size and contrast change in place (the server keeps
  // them for the visit and answers with the new look); without script their forms reload the screen.
  var settings = document.getElementById("settings");
  var invokers = "commandForElement" in HTMLButtonElement.prototype;
  function setLook(look) {
    var root = document.documentElement;
    root.dataset.textSize = String(look.text_size);
    root.dataset.contrast = look.contrast;
    if (look.visit && !body.dataset.visit) body.dataset.visit = look.visit;
    var value = document.querySelector("[data-text-size-value]");
    if (value) value.textContent = look.text_size + "%";
    var contrast = document.querySelector('#settings [data-action="contrast"]');
    if (contrast) contrast.setAttribute("aria-pressed", look.contrast === "high" ? "true" : "false");
    fitNumbers();
  }
  document.addEventListener("click", function (event) {
    if (!settings) return;
    if (!invokers && event.target.closest('[data-action="settings"]') && !settings.open) {
      settings.showModal();
      return;
    }
    if (!invokers && event.target.closest('[data-action="close-settings"]')) {
      settings.close();
      return;
    }
    var control = event.target.closest('#settings [data-action="text-size"], #settings [data-action="contrast"]');
    var form = control && control.closest("form");
    if (!form || !window.fetch) return;
    event.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (look) {
      setLook(look);
      if (control.dataset.action === "text-size") announce(control.textContent.replace(/\s+/g, " ").trim());
    }).catch(function () { form.submit(); });  // the plain way: the screen loads again
  });

  // Keypad: digits go into the input the keypad names, grouped as the card prints them.
  var GROUPS = { 11: [2, 3, 3, 3], 16: [6, 6, 4] };
  function group(digits) {
    var sizes = digits.length <= 11 ? GROUPS[11] : GROUPS[16];
    var parts = [], at = 0;
    for (var i = 0; i < sizes.length && at < digits.length; i++) {
      parts.push(digits.slice(at, at + sizes[i]));
      at += sizes[i];
    }
    return parts.join(" ");
  }
  // The whole number always shows: when it is wider than its field (16 digits at 150 % text,
  // beside the keypad), its digits get smaller until it fits, and no smaller than needed.
  function fitNumber(input) {
    if (!input) return;
    input.style.fontSize = "";
    var size = parseFloat(getComputedStyle(input).fontSize);
    var least = parseFloat(getComputedStyle(document.documentElement).fontSize);
    while (input.scrollWidth > input.clientWidth + 1 && size > least) {
      size = Math.max(least, size * 0.94);
      input.style.fontSize = size + "px";
    }
  }
  function fitNumbers() {
    document.querySelectorAll("main .number-display").forEach(fitNumber);
  }
  document.addEventListener("htmx:afterSettle", fitNumbers);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fitNumbers);
  else fitNumbers();
  function refreshCount(input, digits) {
    var count = document.querySelector('[data-count-for="' + input.id + '"]');
    if (count) count.textContent = count.textContent.replace(/\d+/, String(digits.length));
  }
  document.addEventListener("click", function (event) {
    var key = event.target.closest("[data-keypad] [data-key]");
    if (!key) return;
    event.preventDefault();
    var input = document.getElementById(key.closest("[data-keypad]").dataset.keypad);
    if (!input) return;
    var digits = input.value.replace(/\D/g, "");
    var max = parseInt(input.dataset.max || "16", 10);
    var code = key.dataset.key;
    if (code === "del") digits = digits.slice(0, -1);
    else if (code === "clear") digits = "";
    else if (/^\d$/.test(code) && digits.length < max) digits += code;
    input.value = input.dataset.group === "participant" ? group(digits) : digits;
    input.removeAttribute("aria-invalid");
    fitNumber(input);
    refreshCount(input, digits);
    if (input.type === "password") announce(String(digits.length));  // a PIN is never said
    else announce(code === "del" || code === "clear" ? (digits.split("").join(" ") || key.textContent.trim()) : code);
  });

  // Idle: warn after IDLE seconds of no touch, count down, then wipe the visit (no question).
  var idleSeconds = parseInt(body.dataset.idleSeconds || "60", 10);
  var warnSeconds = parseInt(body.dataset.idleWarningSeconds || "30", 10);
  var dialog = document.getElementById("idle-dialog");
  var REMIND_SECONDS = 60;
  var REFRESH_AFTER_MS = 20 * 60 * 1000;
  var loadedAt = Date.now();
  var lastTouch = Date.now();
  var lastPing = Date.now();
  var lastActivity = Date.now();
  function stillHere() {
    lastTouch = Date.now();
    lastActivity = lastTouch;
    // Keep the server's copy of the visit alive too; it expires visits nobody touches.
    if (Date.now() - lastPing > 20000) {
      lastPing = Date.now();
      var m = main();
      if (m && m.dataset.idle === "on") {
        fetch("/still-here", { method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" });
      }
    }
  }
  ["pointerdown", "keydown"].forEach(function (name) {
    document.addEventListener(name, stillHere, true);
  });
  // camera.js: a face in front of the camera counts as activity; its advice is announced.
  document.addEventListener("kiosk:activity", stillHere);
  document.addEventListener("kiosk:announce", function (event) { announce(event.detail); });
  document.addEventListener("htmx:afterRequest", function () { lastPing = Date.now(); });
  document.addEventListener("click", function (event) {
    if (event.target.closest('[data-action="still-here"]')) {
      lastPing = 0;
      stillHere();
      if (dialog.open) dialog.close();
    }
  });
  // Heartbeat: the kiosk tells the staff board it is alive and how its devices are.
  var HEARTBEAT_MS = 30000;
  function heartbeat() {
    var body = new URLSearchParams();
    body.set("camera", document.body.dataset.camera || "unknown");
    body.set("speech", document.body.dataset.speech || "unknown");
    fetch("/heartbeat", { method: "POST", body: body, credentials: "same-origin",
                          headers: { "X-CSRFToken": csrfToken() } }).catch(function () {});
  }
  window.setTimeout(heartbeat, 2000);
  window.setInterval(heartbeat, HEARTBEAT_MS);

  // A staff member's PIN menu: hold the top-left corner for three seconds (README, Staff).
  var corner = document.querySelector("[data-staff-corner]"), held = null;
  if (corner) {
    corner.addEventListener("pointerdown", function () {
      held = window.setTimeout(function () { window.location.href = corner.dataset.staffCorner; }, 3000);
    });
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (name) {
      corner.addEventListener(name, function () { window.clearTimeout(held); });
    });
  }

  if (dialog) {
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); });
    var waited = 0;
    window.setInterval(function () {
      var m = main();
      if (m && m.dataset.idle === "waiting") {
        // Waiting for a staff member never times out; a gentle reminder now and then instead.
        waited += 1;
        if (waited % REMIND_SECONDS === 0) {
          var again = document.querySelector('[data-action="hear-again"]');
          if (again) again.click();
        }
      } else {
        waited = 0;
      }
      // The page's security token ages with the page (an hour at most): the welcome screen,
      // where every visit ends, loads itself anew when it is old and nobody is touching it.
      if (m && m.dataset.step === "welcome" && Date.now() - loadedAt > REFRESH_AFTER_MS
          && Date.now() - lastActivity > 30000) {
        window.location.reload();
      }
      if (!m || m.dataset.idle !== "on") { lastTouch = Date.now(); return; }
      var quiet = (Date.now() - lastTouch) / 1000;
      if (quiet >= idleSeconds && !dialog.open) {
        dialog.showModal();
        announce(dialog.querySelector("h2").textContent);
        document.dispatchEvent(new CustomEvent("kiosk:idle"));
      }
      if (dialog.open) {
        var left = Math.max(0, Math.ceil(idleSeconds + warnSeconds - quiet));
        dialog.querySelector("[data-idle-count]").textContent = String(left);
        if (left === 0) resetForIdle(dialog.dataset.idleReset);
      }
    }, 1000);
  }
})();

// The receipt prints while its screen shows: ask once to print it, then follow it (a reload only
// follows; the server prints a claim's receipt once). printing -> printed | printer-error; an
// error is followed too, so a staff reprint shows as printed.
(function () {
  "use strict";

  var FOLLOW_MS = { printing: 1000, "printer-error": 3000 };
  var following = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function show(element, body) {
    var main = document.querySelector("main");
    if (!main || !element.isConnected || !body || !body.state) return;
    var changed = element.dataset.print !== body.state;
    element.dataset.print = body.state;
    main.dataset.state = body.state;
    element.className = "print-status print-status--" + body.state;
    element.textContent = body.text;
    // The element is a status region (role="status"): its new words are announced by itself.
    if (changed && body.voice) {
      document.dispatchEvent(new CustomEvent("kiosk:speak", { detail: body.voice }));
    }
  }

  function ask(element, method) {
    var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method === "POST") options.headers["X-CSRFToken"] = csrfToken();
    fetch(element.dataset.printUrl, options).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (body) {
      show(element, body);
    }).catch(function () { /* asked again below */ }).then(function () {
      var wait = FOLLOW_MS[element.dataset.print];
      if (wait && element.isConnected && following === element) {
        window.setTimeout(function () { ask(element, "GET"); }, wait);
      }
    });
  }

  function settle() {
    var element = document.querySelector("main [data-print]");
    if (!element || following === element) return;
    following = element;
    ask(element, element.dataset.print === "pending" ? "POST" : "GET");
  }

  document.addEventListener("htmx:afterSettle", settle);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", settle);
  else settle();
})();
