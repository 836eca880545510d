// The kiosk's voice: every screen plays its audio when it appears; Hear again, Slower, volume and
// speech off in the voice bar; cues from camera.js (advice) and the idle warning; speech stops when
// the screen changes. A browser that blocks autoplay gets its first tap used to start the speech.
// The audio element's state is written to data-voice-state (playing, ended, blocked, error).
// No framework, no inline handlers (a strict Content-Security-Policy holds).
(function () {
  "use strict";

  var body = document.body;
  var VOLUMES = [0.25, 0.5, 0.75, 1.0];
  var RETRIES = 3; // a prompt still being synthesised answers 503: ask again shortly
  var current = null; // the element speaking or last asked to speak
  var waiting = null; // a cue held back until the screen's prompt has finished
  var blocked = false; // autoplay refused: the next tap starts the speech

  function slow() { return body.dataset.speechSlow === "on"; }
  function off() { return body.dataset.speechOff === "on"; }
  function volume() { return parseFloat(body.dataset.speechVolume || "0.75"); }
  function screenAudio() { return document.querySelector("main audio[data-voice]"); }
  function button(action) { return document.querySelector('.voicebar [data-action="' + action + '"]'); }

  function mark(audio, state) { if (audio) audio.dataset.voiceState = state; }

  function source(audio) {
    return (slow() ? audio.dataset.slowSrc : audio.dataset.src) || audio.getAttribute("src");
  }

  function stop() {
    waiting = null;
    document.querySelectorAll("audio[data-voice]").forEach(function (audio) {
      if (!audio.paused) audio.pause();
      if (audio.dataset.voiceState === "playing") mark(audio, "stopped");
    });
    if (current && !current.isConnected && !current.paused) current.pause();
  }

  function play(audio, force) {
    if (!audio || (off() && !force)) return;
    stop();
    current = audio;
    var wanted = new URL(source(audio), document.baseURI).href;
    if (audio.src !== wanted) { audio.src = wanted; audio.load(); }
    else audio.currentTime = 0;
    audio.volume = volume();
    audio.defaultPlaybackRate = 1;
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) {
        if (error && error.name === "NotAllowedError") { blocked = true; mark(audio, "blocked"); }
      });
    }
  }

  function watch(audio) {
    if (!audio || audio.dataset.voiceWatched) return;
    audio.dataset.voiceWatched = "1";
    var tries = 0;
    audio.addEventListener("playing", function () {
      blocked = false; mark(audio, "playing");
      document.body.dataset.speech = "ok";  // reported in the kiosk's heartbeat (kiosk.js)
    });
    audio.addEventListener("ended", function () {
      mark(audio, "ended");
      if (waiting && audio === current) { var next = waiting; waiting = null; play(next); }
    });
    audio.addEventListener("error", function () {
      if (tries >= RETRIES || audio !== current) {
        mark(audio, "error");
        document.body.dataset.speech = "failed";
        return;
      }
      tries += 1;
      window.setTimeout(function () {
        if (audio !== current || !audio.isConnected && !audio.dataset.cue) return;
        audio.load();
        play(audio);
      }, 1500 * tries);
    });
  }

  // A screen appeared (page load or htmx swap): speak it.
  function settle() {
    var audio = screenAudio();
    if (!audio) return;
    watch(audio);
    play(audio);
  }

  // A cue (selfie or paper advice, the head-turn challenge): said after the screen's prompt,
  // replacing any cue not yet said.
  function cue(detail) {
    if (!detail || !detail.src || off()) return;
    var audio = document.createElement("audio");
    audio.dataset.voice = detail.name || "cue";
    audio.dataset.cue = "1";
    audio.dataset.src = detail.src;
    audio.dataset.slowSrc = detail.slow_src || detail.src;
    audio.preload = "auto";
    // Kept in the page (out of sight) while it is said, so it can be inspected like the screen's.
    var shelf = document.getElementById("voice-cues");
    if (shelf) shelf.replaceChildren(audio);
    watch(audio);
    var prompt = screenAudio();
    if (prompt && prompt === current && !prompt.paused && !prompt.ended) waiting = audio;
    else play(audio);
  }

  function save(field, value) {
    var data = new FormData();
    data.append(field, value);
    fetch(body.dataset.voiceSettingsUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": (document.querySelector('meta[name="csrf-token"]') || {}).content || "" }
    }).catch(function () { /* kept on this screen; the server learns it with the next change */ });
  }

  function setVolume(step) {
    var level = VOLUMES.indexOf(volume());
    if (level < 0) level = 2;
    level = Math.min(VOLUMES.length - 1, Math.max(0, level + step));
    body.dataset.speechVolume = String(VOLUMES[level]);
    if (current) current.volume = VOLUMES[level];
    var down = button("volume-down"), up = button("volume-up");
    if (down) down.setAttribute("aria-disabled", level === 0 ? "true" : "false");
    if (up) up.setAttribute("aria-disabled", level === VOLUMES.length - 1 ? "true" : "false");
    save("volume", step > 0 ? "up" : "down");
    if (current && current.paused) play(current, true);
  }

  function toggle(action, dataName, field) {
    var on = body.dataset[dataName] !== "on";
    body.dataset[dataName] = on ? "on" : "off";
    var control = button(action);
    if (control) control.setAttribute("aria-pressed", on ? "true" : "false");
    save(field, on ? "1" : "0");
    return on;
  }

  document.addEventListener("click", function (event) {
    var control = event.target.closest(".voicebar [data-action]");
    if (!control) return;
    var action = control.dataset.action;
    if (action === "hear-again") play(screenAudio() || current, true);
    else if (action === "slower") { toggle(action, "speechSlow", "slow"); play(screenAudio() || current, true); }
    else if (action === "volume-down") setVolume(-1);
    else if (action === "volume-up") setVolume(1);
    else if (action === "speech-off") { if (toggle(action, "speechOff", "off")) stop(); else play(screenAudio()); }
  });

  // Autoplay refused: the first tap anywhere (it is a user gesture) starts the screen's speech.
  document.addEventListener("pointerdown", function (event) {
    if (!blocked || event.target.closest(".voicebar")) return;
    blocked = false;
    play(screenAudio());
  }, true);

  // The participant moves on: stop talking as soon as the new screen replaces this one.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.shouldSwap) stop();
  });
  document.addEventListener("htmx:afterSettle", settle);
  document.addEventListener("kiosk:speak", function (event) { cue(event.detail); });
  document.addEventListener("kiosk:idle", function () {
    var audio = document.querySelector("#idle-dialog audio[data-voice]");
    watch(audio);
    play(audio);
  });
  var idleDialog = document.getElementById("idle-dialog");
  if (idleDialog) idleDialog.addEventListener("close", stop);  // "I am still here"
  window.addEventListener("pagehide", stop);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", settle);
  else settle();
})();
