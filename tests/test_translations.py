"""Every participant string has an English translation, and the catalogue matches the code."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["en"]


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
