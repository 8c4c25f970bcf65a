"""The marketing commands as a person types them: `crm-tui import ... --list`
adding what it imported to a static list, `crm-tui send` through a real SMTP
server on loopback, and `crm-tui unsubscribe` by token and by address."""

from __future__ import annotations

import sys
from pathlib import Path

from crm_tui import cli
from crm_tui.db import close_database, dict_rows
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import contacts
from crm_tui.services.marketing import (
    campaign_links,
    campaigns,
    distribution,
    list_members,
    lists,
    steps,
)

sys.path.insert(0, str(Path(__file__).parents[1]))
from smtp_server import SmtpServer  # noqa: E402


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    session.act_as(None)
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


def test_import_into_a_list_send_and_unsubscribe(db, db_path, tmp_path, capsys, monkeypatch):
    people = lists.create({"name": "Imported people", "member_type": "contact"})
    campaign = campaigns.create({"name": "Welcome"})
    campaigns.launch(campaign.id, campaign.version)
    campaign_links.add_list(campaign.id, people.id)
    step = steps.create(campaign.id, {"subject": "Welcome", "channel": "email",
                                      "message_body": "Welcome, {first_name}."})  # fmt: skip
    session.act_as(None)
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    path = tmp_path / "people.csv"
    path.write_text("First Name,Last Name,E-mail\r\nAnn,Lee,ann@example.com\r\n"
                    "Bo,Ray,bo@example.com\r\n", encoding="utf-8")  # fmt: skip
    db = ("--db", str(db_path))
    code, out, err = run(capsys, *db, "import", "contacts", str(path), "--list", "Nobody's")
    assert code == 1 and "no active marketing list is named" in err
    code, out, _ = run(capsys, *db, "import", "contacts", str(path), "--list",
                       "Imported people", "--yes")  # fmt: skip
    assert code == 0 and "added 2 to the marketing list 'Imported people'" in out

    open_for_user(db_path, login="tester")
    assert list_members.page(people.id).rows[0]["name"] == "Ann Lee"
    assert distribution.distribute(step.id).created == 2
    session.act_as(None)
    close_database()

    server = SmtpServer().start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(
            "[mail]\n" + "".join(
                f"{k} = {v!r}\n" if isinstance(v, str) else f"{k} = {v}\n"
                for k, v in server.settings().items()
            ).replace("'", '"'),
            encoding="utf-8",
        )  # fmt: skip
        code, out, _ = run(capsys, "--config", str(config), *db, "send")
        assert code == 0 and out.startswith("sent 2; 0 queued, 0 failed in all")
        assert sorted(server.handler.to()) == ["ann@example.com", "bo@example.com"]
    finally:
        server.stop()

    open_for_user(db_path, login="tester")
    token = dict_rows(
        "SELECT unsubscribe_token FROM mail_message WHERE to_address = 'ann@example.com'"
    )[0]["unsubscribe_token"]
    session.act_as(None)
    close_database()
    code, out, _ = run(capsys, *db, "unsubscribe", f"unsubscribe {token}")
    assert code == 0 and "Ann Lee (contact) will get no more campaign email" in out
    code, out, _ = run(capsys, *db, "unsubscribe", "BO@example.com")
    assert code == 0 and "Bo Ray (contact)" in out
    code, _, err = run(capsys, *db, "unsubscribe", "nobody-token")
    assert code == 1 and "no one was sent mail" in err
    open_for_user(db_path, login="tester")
    flags = {r["email"]: r["do_not_bulk_email"] for r in dict_rows(
        "SELECT email, do_not_bulk_email FROM contact")}  # fmt: skip
    assert flags == {"ann@example.com": 1, "bo@example.com": 1}
    assert contacts.find_by_name("Ann")
