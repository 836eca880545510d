"""The kiosk's voice: which espeak-ng voice speaks each language, at which rates.

espeak-ng has no Javanese or Sundanese voice, so jv and su are spoken by the Indonesian voice
(the participants who choose them understand Indonesian, and the texts read well with it).
English uses espeak-ng's default English (British, `gmw/en`). Ids are pyttsx3's voice ids under
espeak-ng (`engine.getProperty("voices")`), which the speech worker checks before speaking.

Rates are words per minute (espeak-ng's default is 175): "normal" is a little slower than that
for an older audience, "slow" is for the "speak slower" button.

Pure Python: no Flask here (see cache.py for the WAV cache and spoken.py for numbers and dates).
"""
from __future__ import annotations

INDONESIAN_VOICE = "poz/id"
ENGLISH_VOICE = "gmw/en"

VOICES: dict[str, str] = {
    "id": INDONESIAN_VOICE,
    "en": ENGLISH_VOICE,
    "jv": INDONESIAN_VOICE,
    "su": INDONESIAN_VOICE,
}

RATES: dict[str, int] = {
    "normal": 150,
    "slow": 115,
}

LANGUAGES = tuple(VOICES)


def voice_for(language: str) -> str:
    """The espeak-ng voice id for a kiosk language ("id", "en", "jv", "su")."""
    try:
        return VOICES[language]
    except KeyError:
        raise ValueError(f"no voice for language {language!r}") from None


def rate_for(speed: str = "normal") -> int:
    """Words per minute for "normal" or "slow"."""
    try:
        return RATES[speed]
    except KeyError:
        raise ValueError(f"unknown speech speed {speed!r}") from None
