"""[keymap] and theme in config.toml: a wrong keymap is one line naming the
entry, a theme is saved keeping the rest of the file as it was written."""

from __future__ import annotations

import pytest

from crm_tui import cli, config
from crm_tui.db import close_database
from crm_tui.keys import checks


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[keymap]\n"case.takee" = "ctrl+t"', "keymap: 'case.takee' is not a key's id"),
        ('[keymap]\n"case.take" = "ctrl+"', "keymap: 'case.take': 'ctrl+' is not a key"),
        ('[keymap]\n"case.take" = "Ctrl+T"', "keymap: 'case.take': 'Ctrl+T' is not a key"),
        ('[keymap]\n"case.take" = "t,,u"', "keymap: 'case.take': '' is not a key"),
        ('[keymap]\n"case.take" = "squiggle"', "keymap: 'case.take': 'squiggle' is not a key"),
        ('[keymap]\n"case.take" = 5', "keymap: 'case.take' must be keys in quotes"),
        ('[keymap]\n"list.new" = "tab"', "keymap: 'list.new': tab is kept for moving"),
        (
            '[keymap]\n"case.take" = "R"',
            "keymap: R is both case.resolve and case.take in the case queue screen",
        ),
        ('keymap = "t"', "keymap must be a table of key ids and keys"),
        ("theme = 3", 'theme must be a theme name in quotes ("nord"), not 3'),
    ],
)
def test_a_wrong_keymap_is_one_line_naming_it(tmp_path, capsys, toml, message):
    path = tmp_path / "config.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        # as the command line reads settings: the registry checks a keymap
        checks.check_settings(config.load(path))
    assert message in str(caught.value) and str(caught.value).startswith(f"{path}: ")
    code = cli.main(["--config", str(path), "--db", str(tmp_path / "x.db"), "doctor"])
    close_database()
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and message in err and "Traceback" not in err


def test_a_good_keymap_loads_as_written(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[keymap]\n"case.take" = "ctrl+t"\n"case.resolve" = "t"\n"app.help" = "f1, question_mark"\n',
        encoding="utf-8",
    )
    settings = config.load(path)
    checks.check_settings(settings)
    assert settings.keymap == {
        "case.take": "ctrl+t",
        "case.resolve": "t",
        "app.help": "f1, question_mark",
    }
    assert settings.config_file() == path


def test_a_theme_is_remembered_keeping_the_rest_of_the_file(tmp_path):
    path = tmp_path / "config.toml"
    written = (
        '# our desk\ncurrency = "EUR"  # euros\n\n[keymap]\n"case.take" = "ctrl+t"\n\n'
        "[sla.high]\nresolve_minutes = 100\n"
    )
    path.write_text(written, encoding="utf-8")
    config.remember("theme", "nord", path)
    text = path.read_text(encoding="utf-8")
    assert text == written.replace("# euros\n", '# euros\ntheme = "nord"\n')
    config.remember("theme", "gruvbox", path)
    settings = config.load(path)
    assert settings.theme == "gruvbox" and settings.currency == "EUR"
    assert (
        settings.keymap == {"case.take": "ctrl+t"}
        and settings.sla["high"]["resolve_minutes"] == 100
    )
    assert path.read_text(encoding="utf-8").count("theme") == 1


def test_a_theme_is_remembered_in_a_file_not_there_yet(tmp_path):
    path = tmp_path / "new" / "config.toml"
    config.remember("theme", "nord", path)
    assert config.load(path).theme == "nord"
    # written as TOML whatever the file's layout (a quoted key is still the same setting)
    path.write_text('"theme" = "x"\npage_size = 50\n', encoding="utf-8")
    config.remember("theme", "dracula", path)
    assert (config.load(path).theme, config.load(path).page_size) == ("dracula", 50)


def test_a_theme_that_cannot_be_written_raises_oserror(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OSError):
        config.remember("theme", "nord", blocker / "config.toml")
