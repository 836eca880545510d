"""Every participant string has an English translation, and the catalogue matches the code."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["en", "jv", "su"]


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """Extract the messages from the source now, as the setup's extraction would."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(["bash", "scripts/i18n.sh", "extract", str(pot)], cwd=ROOT, check=True,
                   capture_output=True)
    return _ids(_catalog(pot))


def test_the_template_catalogue_holds_exactly_the_strings_in_the_code(extracted):
    committed = _ids(_catalog(ROOT / "translations" / "messages.pot"))
    assert extracted - committed == set(), "new strings: run the extract step in README"
    assert committed - extracted == set(), "strings no longer used are still in messages.pot"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language, extracted):
    catalog = _catalog(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
    assert extracted - _ids(catalog) == set(), f"{language} catalogue misses strings: update it"
    untranslated = [m.id for m in catalog if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    catalog = _catalog(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
    import re

    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)s", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)s", string)) == wanted, message.id


REVIEWED_BY_NATIVE_SPEAKERS = ["jv", "su"]


def _review_list(language: str) -> dict[str, str]:
    import csv

    path = ROOT / "translations" / language / "awaiting-review.tsv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    assert rows[0] == ["msgid", "translation", "note"]
    return {row[0]: row[1] for row in rows[1:]}


@pytest.mark.parametrize("language", REVIEWED_BY_NATIVE_SPEAKERS)
def test_every_javanese_and_sundanese_string_awaits_review_or_has_had_it(language):
    """Written without a native speaker: each string is on the review list until one has read
    it (then its msgid moves to reviewed.txt). Fuzzy flags would hide them from the kiosk."""
    catalog = _catalog(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
    translations = {(m.id[0] if isinstance(m.id, tuple) else m.id):
                    (m.string[0] if isinstance(m.string, tuple) else m.string)
                    for m in catalog if m.id}
    waiting = _review_list(language)
    reviewed_file = ROOT / "translations" / language / "reviewed.txt"
    reviewed = set(reviewed_file.read_text(encoding="utf-8").splitlines()) \
        if reviewed_file.exists() else set()
    assert set(translations) - set(waiting) - reviewed == set(), "not on the review list"
    assert set(waiting) & reviewed == set()
    assert set(waiting) - set(translations) == set(), "listed but no longer in the catalogue"
    stale = [msgid for msgid, text in waiting.items() if translations[msgid] != text]
    assert stale == [], "the review list shows an old translation"
