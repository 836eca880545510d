// The kiosk camera: show the participant to themselves (mirrored), post a JPEG frame a few times a
// second, and show the server's one piece of advice. No camera, a refusal or an unplugged camera
// sends the participant to the staff path. No framework, no inline handlers (strict CSP).
(function () {
  "use strict";

  var INTERVAL_MS = 250; // after each answer: about 4 frames a second with a ~50 ms analysis
  var active = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function stop() {
    if (!active) return;
    active.stopped = true;
    window.clearTimeout(active.timer);
    if (active.stream) active.stream.getTracks().forEach(function (track) { track.stop(); });
    active = null;
  }

  function failed(problem) {
    document.body.dataset.camera = problem;  // reported in the kiosk's heartbeat (kiosk.js)
    stop();
    var form = document.querySelector("main form[data-camera-failed]");
    if (!form) return;
    form.querySelector('[name="problem"]').value = problem;
    form.requestSubmit();
  }

  function problemOf(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") return "refused";
    if (name === "NotFoundError" || name === "OverconstrainedError") return "missing";
    return "error";
  }

  function start(container) {
    stop();
    var video = container.querySelector("video");
    var advice = document.querySelector('main [data-testid="advice"]');
    var progress = document.querySelector("main .selfie-progress");
    // 640 x 480 is plenty for a face; a paper asks for more (data-width, data-height). Frames are
    // sent at the size the camera gives, never stretched.
    var WIDTH = parseInt(container.dataset.width || "640", 10);
    var HEIGHT = parseInt(container.dataset.height || "480", 10);
    var canvas = document.createElement("canvas");
    // A screen may rest its camera after so many frames with nothing found (data-max-frames).
    var maxFrames = parseInt(container.dataset.maxFrames || "0", 10);
    var sent = 0;
    var state = { stopped: false, stream: null, timer: null, container: container };
    active = state;

    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      failed("missing");
      return;
    }
    navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { width: { ideal: WIDTH }, height: { ideal: HEIGHT }, facingMode: "user" }
    }).then(function (stream) {
      document.body.dataset.camera = "seen";
      if (state.stopped) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        return;
      }
      state.stream = stream;
      video.srcObject = stream;
      stream.getVideoTracks().forEach(function (track) {
        track.addEventListener("ended", function () { if (!state.stopped) failed("unplugged"); });
      });
      later();
    }).catch(function (error) {
      if (!state.stopped) failed(problemOf(error));
    });

    function later() {
      if (!state.stopped) state.timer = window.setTimeout(send, INTERVAL_MS);
    }

    function send() {
      if (state.stopped) return;
      if (!document.body.contains(container)) { stop(); return; }
      if (video.readyState < 2 || !video.videoWidth) { later(); return; }
      if (maxFrames && ++sent > maxFrames) { failed("rested"); return; }
      var scale = Math.min(1, WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (state.stopped || !blob) return;
        fetch(container.dataset.frameUrl, {
          method: "POST", body: blob, credentials: "same-origin",
          headers: { "Content-Type": "image/jpeg", "X-CSRFToken": csrfToken() }
        }).then(function (response) {
          return response.json();
        }).then(answer).catch(function () { /* a lost frame: the next one follows */ })
          .then(later);
      }, "image/jpeg", 0.85);
    }

    function answer(body) {
      if (state.stopped || !body) return;
      // An answer to a frame sent from a screen that has since gone (Next was tapped while the
      // frame was in flight) belongs to no screen: it must not mark or advance the new one.
      if (!document.body.contains(container)) { stop(); return; }
      var main = container.closest("main");
      var entering = body.state && main && main.dataset.state !== body.state;
      if (entering) main.dataset.state = body.state;
      if (advice && advice.dataset.advice !== body.advice) {
        advice.dataset.advice = body.advice;
        advice.textContent = body.text;
        emit("kiosk:announce", body.text);
        // Spoken too (voice.js); while the head turns, only a lost face is worth interrupting for.
        if (body.voice && !(body.state === "liveness" && body.advice === "good")) emit("kiosk:speak", body.voice);
      }
      // The head-turn challenge starts: say how.
      if (entering && body.challenge_voice) emit("kiosk:speak", body.challenge_voice);
      if (progress && typeof body.progress === "number") progress.value = body.progress;
      // Someone in front of the camera is not idle, even without touching the screen.
      if (body.advice !== "no-face") emit("kiosk:activity");
      if (body.next) {
        stop();
        window.htmx.ajax("GET", body.next, { target: "main", swap: "outerHTML" });
      }
    }
  }

  function settle() {
    var container = document.querySelector("main [data-camera]");
    if (!container) stop();
    else if (!active || active.container !== container) start(container);
    var auto = document.querySelector("main form[data-auto-submit]");
    if (auto && !auto.dataset.sent) {
      auto.dataset.sent = "1";
      auto.requestSubmit();
    }
  }

  document.addEventListener("htmx:afterSettle", settle);
  window.addEventListener("pagehide", stop);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", settle);
  else settle();
})();
