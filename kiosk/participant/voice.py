"""The voice on the web: the audio each screen plays, the audio itself, the speech settings.

Every participant screen names its prompt (kiosk.voice.prompts); `screen_voice` turns it into the
text in the participant's language and two audio addresses, one per speech rate. The address is
the cache key (kiosk.voice.cache; for a prompt with a personal fact, keyed with the app's secret
so its address tells nothing about the amount in it). Static prompts are built before any participant comes
(`flask voice build`); a prompt with a dynamic fact (a balance, a claim number) is remembered in
the visit and synthesised when the browser first asks for it, then cached.

Audio answers carry long-lived cache headers: the same address always holds the same sound.

Every choice and control has a static clip too (kiosk.voice.prompts.clips): the page fetches the
map of them for its language (`labels`), so voice.js can say each choice after the screen's
prompt, a choice touched once, and, in audio mode (for a participant who cannot see the screen),
the control that has the focus. Audio mode is remembered in the visit and ends with it.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from flask import (Blueprint, Flask, Response, abort, current_app, g, jsonify, request, send_file,
                   url_for)
from flask_babel import force_locale, get_locale, gettext

from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import ObjectDeletedError

from hardware.errors import HardwareError
from hardware.speech import Pyttsx3Synthesizer, RecordingSynthesizer, Synthesizer, wav_is_complete
from kiosk.config import ConfigError
from kiosk.extensions import db
from kiosk.i18n import LANGUAGES
from kiosk.voice import RATES, voice_for
from kiosk.voice.cache import VoiceCache
from kiosk.roster.csv_import import BANK_CODES
from kiosk.voice.prompts import (CUES, SCREENS, clips, compose, review_messages, screen_text,
                                 static_texts)
from kiosk.voice.spoken import Digits, Rupiah, say

bp = Blueprint("voice", __name__)

YEAR = 365 * 24 * 3600
PERSONAL_HOURS = 1  # a visit lasts minutes; its spoken balance need not outlive it by much
VOLUMES = (0.25, 0.5, 0.75, 1.0)
DEFAULT_VOLUME = 2  # an index into VOLUMES: room to turn it up
RETRY_AFTER_SECONDS = 2
AUDIO_MODE = "audio_mode"  # the visit's data key: audio mode is on for this visit
AUDIO_MODE_HEADER = "X-Audio-Mode"  # on | off on a participant screen of a visit (voice.js)


def make_synthesizer(config: Mapping) -> Synthesizer:
    """The synthesizer SPEECH names: `pyttsx3` (espeak-ng) or `tone` (the test double)."""
    name = config["SPEECH"]
    if name == "pyttsx3":
        return Pyttsx3Synthesizer(timeout=config["SPEECH_TIMEOUT_SECONDS"],
                                  lock_timeout=config["SPEECH_TIMEOUT_SECONDS"])
    if name == "tone":
        return RecordingSynthesizer()
    raise ConfigError(f"SPEECH must be pyttsx3 or tone, got {name!r}")


class Voice:
    """The app's voice cache and the index of its static prompts (built on first use)."""

    def __init__(self, app: Flask) -> None:
        root = Path(app.config["VOICE_DIR"])
        synthesizer = make_synthesizer(app.config)
        self.cache = VoiceCache(root, synthesizer)
        # Prompts with a personal fact (a balance, a claim number) live apart, under keys made
        # with the app's secret, and are deleted by `retention purge` after PERSONAL_HOURS.
        self.personal = VoiceCache(root / "personal", synthesizer)
        self.secret = app.secret_key.encode()
        self._static: dict[str, tuple[str, int, str]] | None = None
        self._labels: dict[str, dict] = {}
        self._lock = threading.Lock()

    def static_prompts(self) -> Iterator[tuple[str, str]]:
        """Every (language, text) the kiosk says without a dynamic fact, each once."""
        seen = set()
        for language in LANGUAGES:
            with force_locale(language):
                for text in static_texts(gettext, language, names=LANGUAGES, banks=BANK_CODES):
                    if (language, text) not in seen:
                        seen.add((language, text))
                        yield language, text

    def label_map(self, language: str) -> dict:
        """The clips of every choice and control for a page in `language`, by group and key.

        {"choices": {"reason:partial_10": clip, "language:en": clip, ...}, "texts": {words:
        clip}, "fields", "states", "counts", "numbers", "mode"}; a clip is {name, text, src,
        slow_src}. Built once per language (the addresses never change while the app runs).
        """
        with self._lock:
            found = self._labels.get(language)
        if found is not None:
            return found
        groups: dict[str, dict[str, dict]] = {}
        with force_locale(language):
            for clip in clips(gettext, language, names=LANGUAGES, banks=BANK_CODES):
                keys = {speed: self.key(clip.language, rate, clip.text)
                        for speed, rate in RATES.items()}
                groups.setdefault(clip.group, {})[clip.key] = {
                    "name": clip.name, "text": clip.text,
                    "src": url_for("voice.audio", key=keys["normal"]),
                    "slow_src": url_for("voice.audio", key=keys["slow"])}
        found = {"language": language, **groups}
        with self._lock:
            self._labels[language] = found
        return found

    def forget(self, keys) -> None:
        """Delete a visit's personal audio (when the visit ends)."""
        for key in keys:
            try:
                self.personal.path(key).unlink(missing_ok=True)
            except ValueError:
                pass

    def key(self, language: str, rate: int, text: str, dynamic: bool = False) -> str:
        return VoiceCache.key(language, voice_for(language), rate, text,
                              self.secret if dynamic else b"")

    def static_index(self) -> dict[str, tuple[str, int, str]]:
        """Cache key -> (language, rate, text) of every static prompt at every rate."""
        with self._lock:
            if self._static is None:
                self._static = {self.key(language, rate, text): (language, rate, text)
                                for language, text in self.static_prompts()
                                for rate in RATES.values()}
            return self._static


def voice() -> Voice:
    return current_app.extensions["voice"]


def _audio(name: str, text: str, dynamic: bool) -> dict:
    """The template's view of one spoken text: the text and its address at each rate."""
    language = str(get_locale())
    keys = {speed: voice().key(language, rate, text, dynamic) for speed, rate in RATES.items()}
    if dynamic:
        row = g.get("kiosk_session")
        if row is not None:  # what the audio address may synthesise, for this visit only
            row.data["voice"] = {keys[speed]: [language, RATES[speed], text] for speed in keys}
            row.data["voice_personal"] = sorted(set(row.data.get("voice_personal", []))
                                                | set(keys.values()))
            # The one thing a screen's GET stores: the cache index of its spoken personal fact
            # (journey.show saves it; no step, no claim, nothing else is changed by a GET).
            g.voice_registered = True
    return {"name": name, "text": text, "src": url_for("voice.audio", key=keys["normal"]),
            "slow_src": url_for("voice.audio", key=keys["slow"])}


def screen_voice(step: str, sub: str | None = None, code: str | None = None,
                 values: Mapping[str, object] | None = None) -> dict | None:
    """What the screen `step` (or `step/sub`) says, with `code`'s before-text; None if silent.

    `values` are the dynamic facts (kiosk.voice.spoken: Rupiah, date, Digits, str); they are
    put into words in the participant's language. A fact that is None leaves its sentence out.
    """
    screen = f"{step}/{sub}" if sub and f"{step}/{sub}" in SCREENS else step
    if screen not in SCREENS:
        return None
    prompt = SCREENS[screen]
    fields = prompt.fields(code)
    language = str(get_locale())
    said = {name: None if value is None else say(value, language)
            for name, value in (values or {}).items() if name in fields}
    return _audio(screen, screen_text(screen, gettext, said, code), dynamic=bool(fields))


def review_voice(claim, reason: str) -> dict:
    """The review said whole: the claim's facts (the account and phone by their last digits),
    then why staff check it. `claim` is the visit's claim picture, `reason` its reason's name as
    the screen shows it."""
    staff = claim.needs_staff
    whole = claim.tax.tax == 0 and claim.tax.net == claim.record.balance
    messages = review_messages(tuple(claim.staff_reasons) if staff else None, whole)
    language = str(get_locale())
    needed = len(claim.documents_needed)
    values = {"reason": reason, "net": Rupiah(claim.tax.net),
              "bank": claim.bank_name,
              "account": Digits(claim.bank_account[-4:], (len(claim.bank_account[-4:]),)),
              "phone": Digits(claim.phone[-3:], (len(claim.phone[-3:]),)),
              "have": len(claim.documents_have) if needed else None,
              "needed": needed or None}
    said = {name: None if value is None else say(value, language) for name, value in values.items()}
    return _audio("review/staff" if staff else "review/all" if whole else "review",
                  compose(messages, gettext, said),
                  dynamic=True)


def cue_voice(group: str, code: str) -> dict:
    """A cue said while a screen stays (selfie advice, the head turn, paper advice)."""
    return _audio(f"{group}/{code}", compose((CUES[(group, code)],), gettext, {}), dynamic=False)


def voice_settings() -> dict:
    """The visit's speech settings for the page (defaults before a visit begins)."""
    row = g.get("kiosk_session")
    volume = row.speech_volume if row is not None else DEFAULT_VOLUME
    return {"slow": bool(row and row.speech_slow), "off": bool(row and row.speech_off),
            "volume": VOLUMES[min(max(volume, 0), len(VOLUMES) - 1)], "level": volume,
            "levels": len(VOLUMES), "audio": audio_mode(row)}


def audio_mode(row) -> bool:
    """True while this visit is in audio mode (started by a key press on the welcome screen)."""
    return bool(row is not None and (row.data or {}).get(AUDIO_MODE))


def _send(path: Path, personal: bool):
    """Static prompts may be kept for a year; a personal one never leaves the kiosk's memory."""
    if personal:
        response = send_file(path, mimetype="audio/wav", conditional=True)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.get("/voice/<key>.wav")
def audio(key: str):
    """The WAV for a cache key: from the cache, or synthesised now for a known prompt."""
    current = voice()
    try:
        path = current.cache.path(key)
    except ValueError:
        abort(404)
    if wav_is_complete(path):
        return _send(path, personal=False)
    personal_path = current.personal.path(key)
    if wav_is_complete(personal_path):
        return _send(personal_path, personal=True)
    static = current.static_index().get(key)
    row = g.get("kiosk_session")
    wanted = static or (row is not None and (row.data.get("voice") or {}).get(key))
    if not wanted:
        abort(404)
    language, rate, text = wanted
    cache, secret = (current.cache, b"") if static else (current.personal, current.secret)
    try:
        path = cache.ensure(language, voice_for(language), rate, text, secret)
    except HardwareError as exc:
        current_app.logger.warning("speech unavailable: %s", exc.__class__.__name__)
        return "", 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return _send(path, personal=not static)


@bp.get("/voice/labels/<language>.json")
def labels(language: str):
    """The page's map of choice and control clips (see Voice.label_map), fetched by each page
    load (about 40 kB; kiosk.security keeps it out of the browser's cache like every page)."""
    if language not in LANGUAGES:
        abort(404)
    return jsonify(voice().label_map(language))


@bp.post("/voice/settings")
def settings():
    """Change a speech setting for this visit: `slow` or `off` (1/0), `volume` (up/down),
    `audio` (1/0: audio mode, for a participant who cannot see the screen)."""
    from kiosk.participant.side import visit

    if g.get("kiosk") is None:  # only a kiosk has a visit to remember them in
        abort(403)
    row = visit()
    form = request.form
    if "slow" in form:
        row.speech_slow = form["slow"] == "1"
    if "off" in form:
        row.speech_off = form["off"] == "1"
    if form.get("volume") in ("up", "down"):
        step = 1 if form["volume"] == "up" else -1
        row.speech_volume = min(max(row.speech_volume + step, 0), len(VOLUMES) - 1)
    if "audio" in form:
        if form["audio"] == "1":
            row.data[AUDIO_MODE] = True
            row.speech_off = False  # a person who cannot see the screen needs the voice
        else:
            row.data.pop(AUDIO_MODE, None)
    db.session.commit()
    return "", 204


def _say_audio_mode(response: Response) -> Response:
    """Tell voice.js whether the visit a swapped screen belongs to is in audio mode.

    The page keeps audio mode while the participant moves through swaps; a visit that began at
    Start (the welcome screen's own visit is replaced) learns it again from the page.
    """
    row = g.get("kiosk_session")
    if row is not None and request.headers.get("HX-Request") and response.mimetype == "text/html":
        try:
            response.headers[AUDIO_MODE_HEADER] = "on" if audio_mode(row) else "off"
        except (ObjectDeletedError, InvalidRequestError):
            pass  # the visit ended in another request meanwhile: nothing to say
    return response


def init_app(app: Flask) -> None:
    app.extensions["voice"] = Voice(app)
    app.register_blueprint(bp)
    app.jinja_env.globals["voice_settings"] = voice_settings
    app.jinja_env.globals["idle_voice"] = lambda: screen_voice("idle")
    app.after_request(_say_audio_mode)

