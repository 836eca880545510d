// The kiosk's voice. Every screen says a playlist when it appears: its prompt, then each of its
// choices in order (a group of up to READ_AT_MOST; the days and months of a birth date are not
// read one by one). A choice touched once says its words, and the next screen's voice waits for
// them, so a person who cannot read hears what they picked. Hear again (the whole playlist),
// Slower, volume and speech off sit in the voice bar; cues come from camera.js (advice) and the
// idle warning; speech stops when the screen changes.
//
// Audio mode, for a participant who cannot see the screen (the EZ Access pattern): any key press
// on the welcome screen starts it and says how it works. Arrow keys (or a numeric keypad's 8/2/4/6
// with Num Lock off or on) and Tab move through every control, Enter (or 5) presses it, + says the
// screen again, - the control again, Escape stops the voice. The control with the focus says its
// words and its state. On a number screen digits type into the number and Backspace deletes;
// only how many digits there are is said, never the digits, unless the participant asks (the *
// key or "Dengar angka"). It lasts for the visit: the server keeps it (data-audio-mode on <body>
// after a page load; X-Audio-Mode on a swapped screen) and the welcome screen ends it.
//
// Every clip is static audio built by `flask voice build`: the page fetches its language's map of
// them (body[data-voice-labels-url], kiosk.participant.voice.labels) and finds a control's clip by
// its hooks: a choice by its step and data-choice, a language by its code, a number field by its
// step and id, anything else by the words it shows.
//
// Test hooks: each <audio>'s data-voice-state (playing, ended, stopped, blocked, error); on <body>
// data-speaking (the clip heard now), data-spoken (a JSON list of the clips begun, the last
// LOG_LENGTH), data-audio-mode, and data-voice-missing (the words of the last control focused
// that has no clip); window.KioskVoice.clipFor(element) names an element's clip.
// No framework, no inline handlers (a strict Content-Security-Policy holds).
(function () {
  "use strict";

  var body = document.body;
  var VOLUMES = [0.25, 0.5, 0.75, 1.0];
  var RETRIES = 3; // a prompt still being synthesised answers 503: ask again shortly
  var READ_AT_MOST = 9; // more choices than this in one group are not read out one by one
  var GROUP_PAUSE_MS = 400; // between the groups of a number read back
  var KEY_MOVES_FOCUS_MS = 1000; // a focus change this soon after a key press is the key's doing
  var LOG_LENGTH = 80;
  var COUNT_AFTER_MS = 300; // the digits typed are counted aloud once the typing pauses this long
  var CONTROLS = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]';
  var MODIFIERS = ["Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock", "NumLock", "OS"];
  var NUMPAD_MOVES = { Numpad8: -1, Numpad4: -1, Numpad2: 1, Numpad6: 1 };

  var labels = null; // this page's clips of choices and controls, by group and key
  var whenReady = []; // things to do once the clips are known
  var clipElements = {}; // clip name -> its <audio>
  var current = null; // the element speaking or last asked to speak
  var queue = []; // what is said after it: <audio> elements, or {gap: ms} (a pause)
  var pauseTimer = null;
  var countTimer = null;
  var carry = null; // a touched choice's clip: said on over the swap the tap causes
  var toggled = null; // {step, choice} of a toggle just pressed: its new state is said
  var announcement = null; // the audio-mode clip while it is said
  var blocked = false; // autoplay refused: the next tap starts the speech
  var lastKey = 0;
  var startingKey = false; // the key that starts audio mode: what it focuses is said after
  var quietFocus = false; // the script moves the focus: nothing to say

  function slow() { return body.dataset.speechSlow === "on"; }
  function off() { return body.dataset.speechOff === "on"; }
  function audioMode() { return body.dataset.audioMode === "on"; }
  function volume() { return parseFloat(body.dataset.speechVolume || "0.75"); }
  function main() { return document.querySelector("main"); }
  function step() { var m = main(); return m ? m.dataset.step || "" : ""; }
  function screenAudio() { return document.querySelector("main audio[data-voice]"); }
  function button(action) { return document.querySelector('.voicebar [data-action="' + action + '"]'); }
  function all(scope, selector) { return Array.prototype.slice.call(scope.querySelectorAll(selector)); }

  function mark(audio, state) { if (audio) audio.dataset.voiceState = state; }

  function log(name) {
    var list;
    try { list = JSON.parse(body.dataset.spoken || "[]"); } catch (error) { list = []; }
    list.push(name);
    body.dataset.spoken = JSON.stringify(list.slice(-LOG_LENGTH));
  }

  function source(audio) {
    return (slow() ? audio.dataset.slowSrc : audio.dataset.src) || audio.getAttribute("src");
  }

  // --- saying things in order -------------------------------------------------------------------

  function isSaying(audio) { return !!audio && audio === current && !audio.paused && !audio.ended; }
  function busy() { return pauseTimer !== null || isSaying(current) || queue.length > 0; }

  // Silence everything (but `keep`, a touched choice said on over a swap).
  function stop(keep) {
    window.clearTimeout(pauseTimer);
    pauseTimer = null;
    queue = [];
    announcement = null;
    document.querySelectorAll("audio[data-voice]").forEach(function (audio) {
      if (audio === keep) return;
      if (!audio.paused) audio.pause();
      if (audio.dataset.voiceState === "playing") mark(audio, "stopped");
    });
    if (current && current !== keep && !current.isConnected && !current.paused) current.pause();
    if (!keep) body.dataset.speaking = "";
  }

  function begin(item) {
    if (item.gap !== undefined) {
      pauseTimer = window.setTimeout(function () { pauseTimer = null; advance(); }, item.gap);
      return;
    }
    var audio = item;
    watch(audio);
    current = audio;
    log(audio.dataset.voice);
    if (!prepare(audio)) audio.currentTime = 0;
    if (queue.length && queue[0].dataset) prepare(queue[0]); // the next one loads meanwhile
    audio.volume = volume();
    audio.defaultPlaybackRate = 1;
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) {
        if (error && error.name === "NotAllowedError") { blocked = true; mark(audio, "blocked"); }
      });
    }
  }

  // Point `audio` at its sound at the current speed; true if it had to load anew.
  function prepare(audio) {
    var wanted = new URL(source(audio), document.baseURI).href;
    if (audio.src === wanted) return false;
    audio.src = wanted;
    audio.load();
    return true;
  }

  function advance() {
    if (queue.length) begin(queue.shift());
    else { announcement = null; body.dataset.speaking = ""; }
  }

  // Say `items` now, in order, instead of whatever is being said. Speech off silences what the
  // kiosk says by itself; what the participant asks for (`force`) and audio mode are still said.
  function say(items, force) {
    items = items.filter(Boolean);
    if (!items.length || (off() && !force && !audioMode())) return false;
    stop();
    queue = items.slice(1);
    begin(items[0]);
    return true;
  }

  // Say `items` after what is being said (at once when nothing is).
  function then(items) {
    items = items.filter(Boolean);
    if (!items.length) return;
    if (busy()) queue = queue.concat(items);
    else say(items, true);
  }

  function watch(audio) {
    if (!audio || audio.dataset.voiceWatched) return;
    audio.dataset.voiceWatched = "1";
    var tries = 0;
    audio.addEventListener("playing", function () {
      blocked = false; mark(audio, "playing");
      body.dataset.speaking = audio.dataset.voice;
      body.dataset.speech = "ok"; // reported in the kiosk's heartbeat (kiosk.js)
    });
    audio.addEventListener("ended", function () {
      mark(audio, "ended");
      if (audio === current) advance();
    });
    audio.addEventListener("error", function () {
      if (tries >= RETRIES || audio !== current) {
        mark(audio, "error");
        body.dataset.speech = "failed";
        if (audio === current) advance();
        return;
      }
      tries += 1;
      window.setTimeout(function () {
        if (audio !== current) return;
        audio.load();
        audio.play();
      }, 1500 * tries);
    });
  }

  // --- the clips of choices and controls --------------------------------------------------------

  function find(group, key) { return labels && labels[group] ? labels[group][key] || null : null; }
  function wordsKey(text) { return text.replace(/\s+/g, " ").trim().toLowerCase(); }

  function textOf(element) {
    var copy = element.cloneNode(true);
    all(copy, '[aria-hidden="true"]').forEach(function (hidden) { hidden.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // A control's accessible name, as a screen reader would say it.
  function nameOf(element) {
    var label = element.getAttribute("aria-label");
    if (label) return label;
    var by = element.getAttribute("aria-labelledby");
    if (by) {
      return by.split(/\s+/).map(function (id) {
        var named = document.getElementById(id);
        return named ? textOf(named) : "";
      }).join(" ");
    }
    if (element.labels && element.labels.length) return textOf(element.labels[0]);
    return textOf(element) || element.getAttribute("title") || "";
  }

  function clipFor(element) {
    if (!labels || !element || !element.getAttribute) return null;
    var code = element.getAttribute("data-choice");
    var choice = code && element.hasAttribute("lang") ? find("choices", "language:" + code) : null;
    choice = choice || (code ? find("choices", step() + ":" + code) : null);
    if (choice) return choice;
    if (element.tagName === "INPUT") {
      var field = find("fields", step() + ":" + element.id);
      if (field) return field;
    }
    var words = nameOf(element);
    var clip = find("texts", wordsKey(words)) || (/^\d+$/.test(words) ? find("numbers", words) : null);
    var href = element.tagName === "A" ? element.getAttribute("href") || "" : "";
    if (!clip && href.charAt(0) === "#" && href.length > 1) {
      var target = document.getElementById(href.slice(1)); // an error link: said as its field
      if (target && target.tagName === "INPUT") return clipFor(target);
    }
    return clip;
  }

  function clipAudio(clip) {
    if (!clip) return null;
    var audio = clipElements[clip.name];
    if (!audio) {
      var shelf = document.getElementById("voice-clips");
      if (!shelf) {
        shelf = document.createElement("div");
        shelf.id = "voice-clips";
        shelf.hidden = true;
        body.appendChild(shelf);
      }
      audio = document.createElement("audio");
      audio.dataset.voice = clip.name;
      audio.dataset.src = clip.src;
      audio.dataset.slowSrc = clip.slow_src;
      audio.dataset.text = clip.text;
      audio.preload = "auto"; // fetched when it is next in line (prepare), not all at once
      shelf.appendChild(audio);
      clipElements[clip.name] = audio;
      watch(audio);
    }
    return audio;
  }

  function state(code) { return clipAudio(find("states", code)); }
  function isToggle(element) { return /^have-/.test(element.getAttribute("data-choice") || ""); }
  function digitsOf(input) { return (input.value || "").replace(/\D/g, ""); }

  function countOf(input) {
    var count = digitsOf(input).length;
    return count ? clipAudio(find("counts", String(count))) : state("empty");
  }

  // A control whose words as a whole have no clip, said part by part (each child's words, a
  // number or a month among them); nothing when any part has none.
  function partsOf(element) {
    var parts = Array.prototype.map.call(element.children, function (child) {
      var text = textOf(child);
      return clipAudio(find("texts", wordsKey(text)) || (/^\d+$/.test(text) ? find("numbers", text) : null));
    });
    return parts.length && parts.every(Boolean) ? parts : [];
  }

  // What a control says when the focus reaches it: its words (a Change button with its row's
  // name), then its state: pressed, not pressed (a toggle), cannot be pressed, how many digits.
  function words(element) {
    var items = [clipAudio(clipFor(element))];
    if (!items[0]) items = partsOf(element); // a button of parts, e.g. a date part and "Ubah"
    if (!items.length) body.dataset.voiceMissing = nameOf(element);
    var row = element.closest("dl > div");
    var term = row && row.querySelector("dt");
    if (term && term !== element) items.push(clipAudio(find("texts", wordsKey(textOf(term)))));
    if (element.disabled || element.getAttribute("aria-disabled") === "true") items.push(state("disabled"));
    var pressed = element.getAttribute("aria-pressed");
    if (pressed === "true" || element.getAttribute("aria-selected") === "true") items.push(state("pressed"));
    else if (pressed === "false" && isToggle(element)) items.push(state("not-pressed"));
    if (element.tagName === "INPUT" && element.closest(".number-entry")) items.push(countOf(element));
    return items.filter(Boolean);
  }

  // The screen's playlist: its prompt, then (in audio mode, on a number screen) how to type,
  // then every choice of each group short enough to listen to, a chosen one said as chosen.
  function playlist() {
    var items = [];
    var screen = screenAudio();
    if (screen) items.push(screen);
    if (!labels) return items;
    if (audioMode() && numberEntry()) items.push(clipAudio(find("mode", "number")));
    var m = main();
    if (!m) return items;
    all(m, ".choices").forEach(function (group) {
      var buttons = all(group, "button").filter(visible);
      if (buttons.length > READ_AT_MOST) return;
      buttons.forEach(function (choice) {
        var clip = clipAudio(clipFor(choice));
        if (!clip) return;
        items.push(clip);
        if (choice.getAttribute("aria-pressed") === "true") items.push(state("pressed"));
      });
    });
    return items;
  }

  function hearAgain() {
    var items = playlist();
    say(items.length ? items : [current], true);
  }

  function loadLabels(tries) {
    var url = body.dataset.voiceLabelsUrl;
    if (!url) return;
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) throw new Error("no clips");
      labels = data;
      // The screen's prompt is being said: its choices follow it.
      if (isSaying(screenAudio()) && queue.length === 0) queue = playlist().slice(1);
      var waiting = whenReady;
      whenReady = [];
      waiting.forEach(function (run) { run(); });
    }).catch(function () {
      if ((tries || 0) < RETRIES) window.setTimeout(function () { loadLabels((tries || 0) + 1); }, 2000);
    });
  }

  function ready(run) { if (labels) run(); else whenReady.push(run); }

  // --- audio mode -------------------------------------------------------------------------------

  function visible(element) {
    return element.getClientRects().length > 0 && window.getComputedStyle(element).visibility !== "hidden";
  }

  function isControl(element) {
    return !!element && element.nodeType === 1 && element.matches(CONTROLS)
      && element.getAttribute("tabindex") !== "-1" && !element.disabled;
  }

  // Every control the arrows move through, in the page's order (inside an open dialog, its own).
  // Not the skip link, nor the keypad's digits: digits are typed with the keys themselves.
  function controls() {
    var dialog = document.querySelector("dialog[open]");
    return all(dialog || document, CONTROLS).filter(function (element) {
      return isControl(element) && visible(element) && !element.classList.contains("skip-link")
        && !element.closest("[hidden], [inert], [aria-hidden='true']")
        && (dialog || !element.closest("dialog"))
        && !(element.closest("[data-keypad]") && /^\d$/.test(element.getAttribute("data-key") || ""));
    });
  }

  function move(by) {
    var list = controls();
    if (!list.length) return;
    var active = document.activeElement;
    var at = list.indexOf(active);
    var target;
    if (at >= 0) {
      target = list[(at + by + list.length) % list.length];
    } else {
      // From the heading (where a new screen puts the focus), or nothing: the next control after it.
      var from = active && active !== body && active !== document.documentElement ? active
        : document.querySelector("main h1");
      var after = from ? list.filter(function (element) {
        return from.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING;
      }) : list;
      var before = from ? list.filter(function (element) {
        return from.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING;
      }) : list;
      target = by > 0 ? after[0] || list[0] : before[before.length - 1] || list[list.length - 1];
    }
    if (target === active) say(words(target), true);
    else target.focus();
  }

  // The screen's one number field and its keypad (none when there are several or none).
  function numberEntry() {
    var scope = document.querySelector("dialog[open]") || main();
    if (!scope) return null;
    var pads = all(scope, "[data-keypad]");
    if (pads.length !== 1) return null;
    var input = document.getElementById(pads[0].dataset.keypad);
    return input ? { keypad: pads[0], input: input } : null;
  }

  // A key typed into the number: kiosk.js fills the field as the on-screen keypad does; how many
  // digits it holds is said once the typing pauses (not a count cut short at every key).
  function typeKey(entry, code) {
    var key = entry.keypad.querySelector('[data-key="' + code + '"]');
    if (!key) return;
    key.click();
    stop();
    window.clearTimeout(countTimer);
    countTimer = window.setTimeout(function () {
      if (entry.input.isConnected) say([countOf(entry.input)], true);
    }, COUNT_AFTER_MS);
  }

  // The number typed, digit by digit in its groups; never a PIN.
  function hearDigits(input) {
    if (!input || input.type === "password") return;
    var shown = (input.value || "").trim();
    if (!digitsOf(input)) { say([state("empty")], true); return; }
    var groups = /\s/.test(shown) ? shown.split(/\s+/) : digitsOf(input).match(/\d{1,4}/g);
    var items = [];
    groups.forEach(function (group, index) {
      if (index) items.push({ gap: GROUP_PAUSE_MS });
      group.replace(/\D/g, "").split("").forEach(function (digit) {
        items.push(clipAudio(find("numbers", digit)));
      });
    });
    say(items, true);
  }

  function submitEntry(entry) {
    var form = entry.input.form;
    var next = form && form.querySelector('[data-action="next"]');
    if (next) next.click();
    else if (form) form.requestSubmit();
  }

  function press(element) {
    var entry = numberEntry();
    if (entry && element === entry.input) submitEntry(entry);
    else if (isControl(element)) element.click();
  }

  function showDigitButtons() {
    document.querySelectorAll('[data-action="hear-digits"]').forEach(function (control) {
      control.hidden = !audioMode();
    });
  }

  function startAudioMode() {
    body.dataset.audioMode = "on";
    if (off()) {
      body.dataset.speechOff = "off";
      var control = button("speech-off");
      if (control) control.setAttribute("aria-pressed", "false");
    }
    save("audio", "1");
    showDigitButtons();
    ready(function () {
      var told = clipAudio(find("mode", "start"));
      say([told].concat(playlist()), true);
      announcement = told;
    });
  }

  function endAudioMode() {
    body.dataset.audioMode = "off";
    showDigitButtons();
  }

  function onKey(event) {
    var key = event.key;
    var entry = numberEntry();
    var active = document.activeElement;
    var handled = true;
    if (/^\d$/.test(key)) {
      if (entry) typeKey(entry, key);
      else if (NUMPAD_MOVES[event.code]) move(NUMPAD_MOVES[event.code]);
      else if (event.code === "Numpad5") press(active);
      else handled = false;
    } else if (key === "ArrowDown" || key === "ArrowRight") move(1);
    else if (key === "ArrowUp" || key === "ArrowLeft") move(-1);
    else if (key === "Clear") press(active); // the numeric keypad's 5 with Num Lock off
    else if (key === "Enter") {
      // A focused button is pressed by the browser; on a number screen Enter sends the number.
      if (entry && (!isControl(active) || active === entry.input)) submitEntry(entry);
      else handled = false;
    } else if (key === "+") hearAgain();
    else if (key === "-") { if (isControl(active)) say(words(active), true); else hearAgain(); }
    else if (key === "*" && entry) hearDigits(entry.input);
    else if ((key === "Backspace" || key === "Delete") && entry) typeKey(entry, "del");
    else if (key === "Escape") stop();
    else handled = false;
    if (handled) event.preventDefault();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || MODIFIERS.indexOf(event.key) >= 0) return;
    lastKey = Date.now();
    if (audioMode()) { onKey(event); return; }
    if (step() === "welcome" && !document.querySelector("dialog[open]")) {
      startAudioMode();
      // Tab still moves the focus (said after how audio mode works); other keys only start it.
      if (event.key !== "Tab") event.preventDefault();
      startingKey = true;
      window.setTimeout(function () { startingKey = false; }, 0);
    }
  }, true);

  // Speech follows the focus when a key moved it (not when the script or a tap did).
  document.addEventListener("focusin", function (event) {
    if (!audioMode() || quietFocus || Date.now() - lastKey > KEY_MOVES_FOCUS_MS) return;
    var element = event.target;
    if (!isControl(element)) return;
    var first = startingKey;
    ready(function () {
      if (document.activeElement !== element) return;
      var items = words(element);
      if (first && announcement) queue = items; // after "how audio mode works"
      else say(items, true);
    });
  });

  // --- taps, the voice bar, screens changing ----------------------------------------------------

  // A choice touched once says its words (the tap still selects it, as it always does).
  document.addEventListener("pointerdown", function (event) {
    if (blocked && !event.target.closest(".voicebar")) {
      // Autoplay refused: the first tap anywhere (a user gesture) starts the screen's speech.
      blocked = false;
      say(playlist());
      return;
    }
    var choice = event.target.closest("main [data-choice], main .choices button, .languages [data-choice]");
    if (!choice) return;
    var clip = clipAudio(clipFor(choice));
    carry = clip && say([clip]) ? clip : null;
  }, true);

  // Settings are saved one at a time, and a screen's request (Start, a choice) waits for them:
  // on the welcome screen a setting begins the visit, and Start pressed while that is on its way
  // would race it (two visits begun at once: the later ends the earlier, and the claim with it).
  var saving = null; // the last save on its way (a promise), null when none is
  var SAVE_WAIT_MS = 3000; // a screen waits no longer than this for a save the network lost

  function save(field, value) {
    var data = new FormData();
    data.append(field, value);
    var send = function () {
      return fetch(body.dataset.voiceSettingsUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": (document.querySelector('meta[name="csrf-token"]') || {}).content || "" }
      }).catch(function () { /* kept on this screen; the server learns it with the next change */ });
    };
    var mine = (saving || Promise.resolve()).then(send);
    saving = mine;
    mine.then(function () { if (saving === mine) saving = null; });
  }

  document.addEventListener("htmx:confirm", function (event) {
    if (!saving || event.defaultPrevented) return;
    event.preventDefault();
    var go = function () { if (go) { go = null; event.detail.issueRequest(true); } };
    saving.then(function () { if (go) go(); });
    window.setTimeout(function () { if (go) go(); }, SAVE_WAIT_MS);
  });

  function setVolume(by) {
    var level = VOLUMES.indexOf(volume());
    if (level < 0) level = 2;
    level = Math.min(VOLUMES.length - 1, Math.max(0, level + by));
    body.dataset.speechVolume = String(VOLUMES[level]);
    if (current) current.volume = VOLUMES[level];
    var down = button("volume-down"), up = button("volume-up");
    if (down) down.setAttribute("aria-disabled", level === 0 ? "true" : "false");
    if (up) up.setAttribute("aria-disabled", level === VOLUMES.length - 1 ? "true" : "false");
    save("volume", by > 0 ? "up" : "down");
    if (current && current.paused) say([current], true);
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
    var choice = event.target.closest("main [data-choice]");
    if (choice && isToggle(choice)) toggled = { step: step(), choice: choice.getAttribute("data-choice") };
    var digits = event.target.closest('[data-action="hear-digits"]');
    if (digits) { hearDigits(document.getElementById(digits.dataset.hearDigits)); return; }
    var control = event.target.closest(".voicebar [data-action]");
    if (!control) return;
    var action = control.dataset.action;
    if (action === "hear-again") hearAgain();
    else if (action === "slower") { toggle(action, "speechSlow", "slow"); hearAgain(); }
    else if (action === "volume-down") setVolume(-1);
    else if (action === "volume-up") setVolume(1);
    else if (action === "speech-off") { if (toggle(action, "speechOff", "off")) stop(); else say(playlist()); }
  });

  // A screen appeared (page load or htmx swap): say its playlist.
  function settle(event) {
    var swapped = !!(event && event.type === "htmx:afterSettle");
    // Every way back to the welcome screen ends the visit, and audio mode with it.
    if (swapped && step() === "welcome" && audioMode()) endAudioMode();
    showDigitButtons();
    var screen = screenAudio();
    if (screen) watch(screen);
    var touched = carry && isSaying(carry);
    carry = null;
    var was = toggled;
    toggled = null;
    var again = swapped && was && was.step === step()
      ? document.querySelector('main [data-choice="' + was.choice + '"]') : null;
    if (again) {
      // A toggle pressed: its new state, not the whole screen again; in audio mode the focus
      // stays on it, so the participant goes on down the list.
      if (audioMode()) { quietFocus = true; again.focus(); quietFocus = false; }
      var now = state(again.getAttribute("aria-pressed") === "true" ? "pressed" : "not-pressed");
      if (touched) queue = [now];
      else say([clipAudio(clipFor(again)), now]);
      return;
    }
    if (touched) { queue = playlist(); return; } // said after the touched choice's words
    say(playlist());
  }

  // The participant moves on: stop talking as soon as the new screen replaces this one (a touched
  // choice's words go on: they say what was picked).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.shouldSwap) return;
    if (carry && isSaying(carry)) stop(carry);
    else { carry = null; stop(); }
  });
  document.addEventListener("htmx:afterSettle", settle);
  // A visit that began at Start learns from the page that it is in audio mode.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (audioMode() && xhr && xhr.getResponseHeader("X-Audio-Mode") === "off") save("audio", "1");
  });

  // A cue (selfie or paper advice, the head-turn challenge): said after what is being said,
  // replacing any cue not yet said. Kept in #voice-cues (out of sight) so it can be inspected.
  document.addEventListener("kiosk:speak", function (event) {
    var detail = event.detail;
    if (!detail || !detail.src || (off() && !audioMode())) return;
    var audio = document.createElement("audio");
    audio.dataset.voice = detail.name || "cue";
    audio.dataset.cue = "1";
    audio.dataset.src = detail.src;
    audio.dataset.slowSrc = detail.slow_src || detail.src;
    audio.preload = "auto";
    var shelf = document.getElementById("voice-cues");
    if (shelf) shelf.replaceChildren(audio);
    watch(audio);
    queue = queue.filter(function (item) { return !(item.dataset && item.dataset.cue); });
    then([audio]);
  });
  document.addEventListener("kiosk:idle", function () {
    say([document.querySelector("#idle-dialog audio[data-voice]")]);
  });
  var idleDialog = document.getElementById("idle-dialog");
  if (idleDialog) idleDialog.addEventListener("close", function () { stop(); }); // "I am still here"
  window.addEventListener("pagehide", function () { stop(); });

  window.KioskVoice = {
    // The name of the clip an element says (null if it has none), for tests and audits.
    clipFor: function (element) { var clip = clipFor(element); return clip ? clip.name : null; },
    ready: function () { return labels !== null; }
  };

  loadLabels(0);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { settle(); });
  else settle();
})();
