"""Phone numbers as shown, remembered between starts: a start that shows the
numbers shown before does not load the phone library; a stale, damaged or
unwritable file is never an error."""

import json
import os
import stat
import subprocess
import sys

import pytest

from crm_tui import phones_shown

LONDON = "+442079460958"


@pytest.fixture(autouse=True)
def _fresh():
    phones_shown.forget()
    yield
    phones_shown.forget()


def saved(tmp_path) -> dict:
    return json.loads((tmp_path / "state" / phones_shown.FILE_NAME).read_text(encoding="utf-8"))


def test_a_number_is_grouped_and_remembered_for_the_next_start(tmp_path):
    assert phones_shown.shown(LONDON) == "+44 20 7946 0958"
    phones_shown.save()
    assert saved(tmp_path)["shown"] == {LONDON: "+44 20 7946 0958"}
    mode = stat.S_IMODE(os.stat(tmp_path / "state" / phones_shown.FILE_NAME).st_mode)
    assert mode == 0o600  # customers' numbers


def test_the_next_start_shows_them_without_the_phone_library(tmp_path):
    phones_shown.shown(LONDON)
    phones_shown.save()
    probe = (
        "import sys; from crm_tui import phones_shown; "
        f"print(phones_shown.shown({LONDON!r})); print('phonenumbers' in sys.modules)"
    )
    env = dict(os.environ, CRM_TUI_STATE_DIR=str(tmp_path / "state"))
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["+44 20 7946 0958", "False"]


def test_forms_saved_for_another_version_of_the_library_are_not_used(tmp_path):
    path = tmp_path / "state" / phones_shown.FILE_NAME
    path.parent.mkdir()
    path.write_text(json.dumps({"stamp": "another", "shown": {LONDON: "wrong"}}))
    assert phones_shown.shown(LONDON) == "+44 20 7946 0958"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"stamp": 1}', "\x00\x01"])
def test_a_damaged_file_is_ignored_and_replaced(tmp_path, content):
    path = tmp_path / "state" / phones_shown.FILE_NAME
    path.parent.mkdir()
    path.write_text(content)
    assert phones_shown.shown(LONDON) == "+44 20 7946 0958"
    phones_shown.save()
    assert saved(tmp_path)["shown"] == {LONDON: "+44 20 7946 0958"}


def test_what_is_not_a_number_is_shown_as_stored():
    assert phones_shown.shown("+12") == "+12"


def test_only_the_newest_forms_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(phones_shown, "LIMIT", 2)
    for number in ("+442079460958", "+442079460959", "+442079460960"):
        phones_shown.shown(number)
    phones_shown.save()
    assert list(saved(tmp_path)["shown"]) == ["+442079460959", "+442079460960"]


def test_a_state_directory_that_cannot_be_made_is_not_an_error(tmp_path, monkeypatch):
    # a file where the directory should be: refused even to root
    (tmp_path / "blocker").write_text("")
    monkeypatch.setenv("CRM_TUI_STATE_DIR", str(tmp_path / "blocker" / "state"))
    assert phones_shown.shown(LONDON) == "+44 20 7946 0958"
    phones_shown.save()  # no exception
    assert (tmp_path / "blocker").read_text() == ""


def test_nothing_is_written_when_nothing_new_was_shown(tmp_path):
    phones_shown.save()
    assert not (tmp_path / "state").exists()
