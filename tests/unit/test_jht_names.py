import pytest

from kiosk.jht.names import names_match, short_name


@pytest.mark.parametrize("holder, participant", [
    ("Ahmad Sutrisno", "AHMAD SUTRISNO"),
    ("H. Ahmad Sutrisno", "Ahmad Sutrisno"),
    ("Hj. Siti Aminah, S.E.", "SITI AMINAH"),
    ("Dr. Ir. Budi  Santoso, M.M.", "Budi Santoso"),
    ("budi-santoso", "Budi Santoso"),  # punctuation between words counts as nothing
    ("Sri  Wahyuni", "Sri Wahyuni "),
    ("Prof. Dr. Hj. Dewi Lestari, S.Kom., M.T.", "dewi lestari"),
])
def test_names_that_differ_only_in_case_titles_punctuation_or_spacing_match(holder, participant):
    assert names_match(holder, participant)


@pytest.mark.parametrize("holder, participant", [
    ("Ahmad Sutrisna", "Ahmad Sutrisno"),      # a different spelling is a different name
    ("Ahmad", "Ahmad Sutrisno"),               # part of a name is not the name
    ("Sutrisno Ahmad", "Ahmad Sutrisno"),      # order matters
    ("PT Maju Jaya", "Ahmad Sutrisno"),
    ("H.", "Ahmad"),                           # only a title is no name
    ("", ""),
])
def test_names_that_really_differ_do_not_match(holder, participant):
    assert not names_match(holder, participant)


@pytest.mark.parametrize("full_name, shown", [
    ("BUDI SANTOSO", "Budi S."),             # the e-KTP's capitals, written as people write names
    ("Siti Rahmawati", "Siti R."),
    ("MUHAMMAD AL FATIH", "Muhammad A. F."),
    ("H. Ahmad Sutrisno, S.E.", "Ahmad S."),  # titles are not the name
    ("SITI", "Siti"),                         # one word: shown whole
    ("dewi  lestari", "Dewi L."),
    ("", ""),
])
def test_the_short_name_is_the_first_name_whole_and_initials(full_name, shown):
    assert short_name(full_name) == shown


def test_the_short_name_never_shows_the_rest_of_a_name():
    assert "antoso" not in short_name("Budi Santoso")
