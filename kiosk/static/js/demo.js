// "Lihat caranya": the kiosk shows how, on its real screens, by itself (kiosk.participant.practice).
// It begins a practice visit and walks it: each screen says the demonstration's short words (the
// server swaps them in for the screen's own prompt), a finger moves to each control and taps it,
// one digit is typed wrong and corrected. Stop, or any touch or key, wipes the visit and shows
// welcome again. The finger jumps instead of gliding when the person prefers reduced motion.
// No framework, no inline handlers (a strict Content-Security-Policy holds).
(function () {
  "use strict";

  var STOPPED = "stopped";
  var run = null;

  function main() { return document.querySelector("main"); }
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }
  function check() { if (!run || run.stopped) throw STOPPED; }
  function activity() { document.dispatchEvent(new CustomEvent("kiosk:activity")); }

  // Wait `ms` at the demonstration's pace (tests run it faster); stops early when it stops.
  function pause(ms) {
    return new Promise(function (resolve) {
      var timer = window.setTimeout(resolve, Math.max(0, ms / run.speed));
      run.timers.push(timer);
    }).then(check);
  }

  // The screen htmx swapped in after `old` (a request settles before the next step is taken).
  function swapped(old, ms) {
    var deadline = Date.now() + (ms || 15000);
    return new Promise(function (resolve, reject) {
      (function poll() {
        if (!run || run.stopped) return reject(STOPPED);
        var now = main();
        if (now && now !== old && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")) {
          return resolve(now);
        }
        if (Date.now() > deadline) return reject(new Error("the screen did not change"));
        run.timers.push(window.setTimeout(poll, 50));
      })();
    });
  }

  // --- the voice and the captions ---------------------------------------------------------------

  function speechOff() { return document.body.dataset.speechOff === "on"; }
  function caption(text) { if (run && run.caption) run.caption.textContent = text || ""; }
  function estimate(text) {  // how long the words take at an unhurried pace, when no sound says so
    var words = (text || "").split(/\s+/).filter(Boolean).length;
    return Math.min(12000, 900 + words * 420);
  }

  // Wait until `audio` has been said (ended, failed, refused), or the words' time at most.
  function heard(audio, text) {
    var limit = estimate(text) + 4000;
    if (run.speed > 1 || !audio || speechOff()) return pause(estimate(text));
    return new Promise(function (resolve) {
      var begun = Date.now();
      (function poll() {
        if (!run || run.stopped) return resolve();
        var state = audio.dataset ? audio.dataset.voiceState : "";
        var done = audio.ended || audio.error || state === "ended" || state === "error" || state === "blocked";
        var silent = audio.paused && !audio.ended && Date.now() - begun > estimate(text);
        if (done || silent || Date.now() - begun > limit) return resolve();
        run.timers.push(window.setTimeout(poll, 100));
      })();
    }).then(function () { return pause(150); });
  }

  // The screen's own voice: on a demonstration screen it is the demonstration's words.
  function sayScreen() {
    var audio = document.querySelector("main audio[data-voice]");
    var text = audio ? audio.dataset.text : "";
    caption(text);
    return heard(audio, text);
  }

  // One of the demonstration's words between screens: the mistake, Lanjut, the end.
  function say(code) {
    var clip = run.script.clips[code];
    if (!clip) return pause(300);
    caption(clip.text);
    document.dispatchEvent(new CustomEvent("kiosk:announce", { detail: clip.text }));
    var audio = null;
    if (!speechOff() && run.speed === 1) {
      var slow = document.body.dataset.speechSlow === "on";
      audio = new Audio(slow ? (clip.slow_src || clip.src) : clip.src);
      audio.volume = parseFloat(document.body.dataset.speechVolume || "0.75");
      run.audio = audio;
      var started = audio.play();
      if (started && started.catch) started.catch(function () { /* the words show all the same */ });
    }
    return heard(audio, clip.text);
  }

  // --- the finger --------------------------------------------------------------------------------

  var TIP = { x: 39, y: 6 };  // where the fingertip is in the finger's picture (96 x 120 px)

  // Move the finger to a control and mark it; `ms` is how long the move takes (it jumps under
  // reduced motion).
  function point(target, ms) {
    ms = ms || 550;
    check();
    activity();
    var moving = !reducedMotion();
    var box = target.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      target.scrollIntoView({ block: "center", behavior: "auto" });
      box = target.getBoundingClientRect();
    }
    var x = Math.round(box.left + box.width / 2 - TIP.x);
    var y = Math.round(box.top + box.height / 2 - TIP.y);
    var finger = run.finger;
    finger.hidden = false;
    finger.style.transitionDuration = Math.round(ms * 0.9 / run.speed) + "ms";
    finger.style.transform = "translate(" + x + "px, " + y + "px)";
    finger.dataset.x = String(x + TIP.x);
    finger.dataset.y = String(y + TIP.y);
    document.querySelectorAll(".demo-target").forEach(function (el) { el.classList.remove("demo-target"); });
    target.classList.add("demo-target");
    return pause(moving ? ms : 250);
  }

  function tap(target, ms) {
    return point(target, ms).then(function () {
      run.finger.classList.add("demo-finger--press");
      return pause(ms && ms < 400 ? 100 : 200);
    }).then(function () {
      run.finger.classList.remove("demo-finger--press");
      target.click();  // it stays marked until the finger moves on
    });
  }

  function find(selector) { return document.querySelector("main " + selector); }

  // Tap the first control found; a choice that does not move on by itself is confirmed with Lanjut.
  function choose(selectors) {
    var target = null;
    for (var i = 0; i < selectors.length && !target; i++) target = find(selectors[i]);
    if (!target) return Promise.reject(new Error("no control " + selectors.join(", ")));
    var old = main();
    return tap(target).then(function () {
      return swapped(old, 2500).catch(function (error) {
        if (error === STOPPED) throw error;
        var next = find('[data-action="next"]');
        if (!next) throw error;
        return tap(next).then(function () { return swapped(old); });
      });
    });
  }

  function key(code) {
    var target = find('[data-keypad] [data-key="' + code + '"]');
    if (!target) return Promise.reject(new Error("no key " + code));
    return tap(target, 240).then(function () { return pause(60); });
  }

  function typeDigits(digits) {
    var chain = Promise.resolve();
    digits.split("").forEach(function (digit) { chain = chain.then(function () { return key(digit); }); });
    return chain;
  }

  function next() {
    var target = find('[data-action="next"]');
    if (!target) return Promise.reject(new Error("no Lanjut"));
    var old = main();
    return tap(target).then(function () { return swapped(old); });
  }

  function moment(name) { run.controls.dataset.demoMoment = name; }

  // --- the scenes: what to do on each real screen, by its step (and state) -------------------------

  var scenes = {
    identify: function () {
      var s = run.script, number = s.number;
      return sayScreen()
        .then(function () { return typeDigits(number.slice(0, s.mistakeAt)); })
        .then(function () { return key(s.wrongDigit); })
        .then(function () { moment("mistake"); return pause(500); })
        .then(function () { return say("mistake"); })
        .then(function () { return key("del"); })
        .then(function () { moment("corrected"); return typeDigits(number.slice(s.mistakeAt)); })
        .then(function () { return say("next"); })
        .then(next);
    },
    day: function () {
      return sayScreen().then(function () {
        return choose(['[name="day"][value="' + run.script.day + '"]', '[data-choice="' + run.script.day + '"]']);
      });
    },
    month: function () {
      return sayScreen().then(function () {
        return choose(['[data-choice="' + run.script.month + '"]', '[name="month"][value="' + run.script.month + '"]']);
      });
    },
    year: function () {
      return sayScreen().then(function () { return typeDigits(run.script.year); }).then(next);
    },
    selfie: function () {
      // No face to show: the finger points at the camera button, then the kiosk goes on.
      var open = find('[data-action="next"]');
      var old = main();
      return sayScreen()
        .then(function () { return open ? point(open) : pause(500); })
        .then(function () { return pause(400); })
        .then(function () { return post(run.script.next, {}, old); });
    },
    reason: function () {
      return sayScreen().then(function () { return choose(['[data-choice="' + run.script.reason + '"]']); });
    },
    review: function () {
      var send = find('[data-action="next"]');
      return sayScreen()
        .then(function () { return send ? point(send) : pause(500); })
        .then(function () { return say("end"); })
        .then(function () { moment("end"); return finish(); });
    },
    other: function () {
      return sayScreen().then(function () { return find('[data-action="next"]') ? next() : finish(); });
    },
  };
  scenes.amount = function () { return sayScreen().then(next); }; // "Ya, benar"

  function sceneOf(m) {
    var byState = run.script.scenes[m.dataset.step + "/" + (m.dataset.state || "")];
    return byState || run.script.scenes[m.dataset.step] || "other";
  }

  function post(url, values, old) {
    check();
    old = old || main();
    window.htmx.ajax("POST", url, { target: "main", swap: "outerHTML", values: values,
                                   headers: { "X-CSRFToken": csrfToken() } });
    return swapped(old);
  }

  function walk() {
    var step = function () {
      check();
      var m = main();
      var name = sceneOf(m);
      run.controls.dataset.demoScene = name;
      var seen = (run.controls.dataset.demoSteps || "").split(" ").filter(Boolean);
      var here = m.dataset.step + (m.dataset.state ? "/" + m.dataset.state : "");
      if (seen[seen.length - 1] !== here) seen.push(here);
      run.controls.dataset.demoSteps = seen.join(" ");
      return (scenes[name] || scenes.other)().then(function () {
        if (!run.stopped) return step();
      });
    };
    sayScreen()
      .then(function () { return post(run.script.begin, { language: document.documentElement.lang }); })
      .then(step)
      .catch(function (error) {
        if (error !== STOPPED && window.console) window.console.warn("demo:", error && error.message);
        finish();
      });
  }

  // --- stopping ----------------------------------------------------------------------------------

  function finish() {
    if (!run || run.leaving) return;
    run.stopped = true;
    run.leaving = true;
    run.timers.forEach(window.clearTimeout);
    if (run.audio) run.audio.pause();
    document.querySelectorAll("audio[data-voice]").forEach(function (audio) { audio.pause(); });
    run.finger.hidden = true;
    run.controls.dataset.demo = "stopping";
    var form = run.controls.querySelector("form[data-demo-stop]");
    var language = form.querySelector('[name="language"]');
    if (language) language.value = document.documentElement.lang || language.value;
    form.submit();
  }

  // Any touch, click or key of the person's own stops it (the demonstration's taps are not theirs).
  function interrupt(event) {
    if (!run || !event.isTrusted) return;
    event.preventDefault();
    event.stopPropagation();
    if (event.stopImmediatePropagation) event.stopImmediatePropagation();
    finish();
  }

  function begin() {
    var m = main();
    if (run || !m || m.dataset.step !== "how-it-works") return;
    var controls = m.querySelector("[data-demo]");
    var finger = m.querySelector("[data-demo-finger]");
    if (!controls || !finger || !window.htmx) return;
    var script;
    try { script = JSON.parse(controls.dataset.demoScript); } catch (error) { return; }
    // The controls (where the toolbar was) and the finger stay while the real screens come and go.
    document.body.insertBefore(controls, document.body.firstChild);
    document.body.appendChild(finger);
    document.body.classList.add("demo-running");
    controls.dataset.demo = "running";
    run = { script: script, controls: controls, finger: finger, timers: [], audio: null,
            caption: controls.querySelector("[data-demo-caption]"), stopped: false, leaving: false,
            speed: Math.max(1, parseInt(script.speed, 10) || 1) };
    ["pointerdown", "touchstart", "mousedown", "click", "keydown"].forEach(function (name) {
      window.addEventListener(name, interrupt, { capture: true, passive: false });
    });
    walk();
  }

  // A new screen shows its words at once (they are said as it appears); the finger, which
  // pointed at the last screen's control, waits out of sight until it moves to one on this one.
  document.addEventListener("htmx:afterSettle", function () {
    if (!run || run.stopped) return;
    run.finger.hidden = true;
    var audio = document.querySelector("main audio[data-voice]");
    if (audio) caption(audio.dataset.text);
  });
  document.addEventListener("htmx:afterSettle", begin);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
