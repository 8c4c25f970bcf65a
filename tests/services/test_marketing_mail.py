"""Email that is really sent: through a real SMTP server on loopback, with
its headers and UTF-8; refused recipients, a dropped connection, a sender
killed mid-run and two senders at once, without anyone getting a second
copy; campaigns and steps not completed while mail is unsent."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

from crm_tui.db import database, dict_rows
from crm_tui.errors import DomainError
from crm_tui.services import session
from crm_tui.services.customers import activities, contacts
from crm_tui.services.marketing import (
    campaign_links,
    campaigns,
    distribution,
    list_members,
    lists,
    steps,
)
from crm_tui.services.marketing.mail import queue, sender, settings

sys.path.insert(0, str(Path(__file__).parents[1]))
import mail_workers  # noqa: E402
from smtp_server import SmtpServer  # noqa: E402


@pytest.fixture
def smtp(db):
    server = SmtpServer().start()
    session.settings().mail = server.settings()
    yield server
    server.stop()


def campaign_mail(*people: dict, html: bool = False):
    """A launched campaign whose email step went to `people` (contacts)."""
    campaign = campaigns.create({"name": "Nowruz"})
    campaign = campaigns.launch(campaign.id, campaign.version)
    lst = lists.create({"name": "Customers", "member_type": "contact"})
    ids = [contacts.create({"last_name": "P", **p}).id for p in people]
    list_members.add(lst.id, ids)
    campaign_links.add_list(campaign.id, lst.id)
    step = steps.create(
        campaign.id,
        {"subject": "Offer", "channel": "email", "message_subject": "نوروز مبارک {first_name}",
         "message_body": "Dear {first_name},\n\n**20%** off <b>today</b>.", "html": html},
    )  # fmt: skip
    distribution.distribute(step.id)
    return campaigns.get(campaign.id), steps.get(step.id)


def states() -> dict[str, str]:
    return {r["to_address"]: r["state"] for r in dict_rows("SELECT * FROM mail_message")}


def test_campaign_mail_is_sent_with_its_headers_and_completes_its_activity(smtp):
    campaign, step = campaign_mail(
        {"first_name": "Sara", "email": "sara@x.example"},
        {"first_name": "<Reza>", "email": "reza@x.example"},
        html=True,
    )
    report = sender.run()
    assert (report.sent, report.failed) == (2, 0)
    assert sorted(smtp.handler.to()) == ["reza@x.example", "sara@x.example"]
    sara = next(r.message for r in smtp.handler.received if "sara" in r.envelope_to[0])
    assert sara["Subject"] == "نوروز مبارک Sara"
    assert sara["From"] == "Crm Example <news@crm.example>"
    assert (
        sara["Message-ID"]
        == dict_rows("SELECT message_id FROM mail_message WHERE to_address = 'sara@x.example'")[0][
            "message_id"
        ]
    )
    assert (
        str(sara["List-Unsubscribe"])
        .strip()
        .startswith("<mailto:news@crm.example?subject=unsubscribe%20")
    )
    plain = sara.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain.startswith("Dear Sara,\n\n**20%** off <b>today</b>.")
    assert "To stop receiving these emails" in plain
    html = sara.get_body(("html",)).get_content()
    assert "<strong>20%</strong>" in html and "&lt;b&gt;today&lt;/b&gt;" in html
    reza = next(r.message for r in smtp.handler.received if "reza" in r.envelope_to[0])
    assert "Dear &lt;Reza&gt;" in reza.get_body(("html",)).get_content()
    assert set(states().values()) == {"sent"}
    assert {r["state"] for r in dict_rows("SELECT state FROM activity")} == {"completed"}
    # nothing left: another run sends nobody anything again
    assert sender.run().sent == 0 and len(smtp.handler.received) == 2
    step = steps.complete(step.id, step.version)
    campaign = campaigns.complete(campaign.id, campaign.version)
    assert (step.state, campaign.state) == ("closed", "completed")


def test_refused_recipients_fail_with_the_servers_answer_or_wait(smtp):
    smtp.handler.refuse_for_good.add("gone@x.example")
    smtp.handler.refuse_for_now.add("busy@x.example")
    campaign, step = campaign_mail(
        {"first_name": "A", "email": "ok@x.example"},
        {"first_name": "B", "email": "gone@x.example"},
        {"first_name": "C", "email": "busy@x.example"},
    )
    report = sender.run()
    assert (report.sent, report.failed, report.deferred) == (1, 1, 1)
    gone = dict_rows("SELECT * FROM mail_message WHERE to_address = 'gone@x.example'")[0]
    assert gone["state"] == "failed" and "550 5.1.1 no such mailbox here" in gone["last_error"]
    busy = dict_rows("SELECT * FROM mail_message WHERE to_address = 'busy@x.example'")[0]
    assert (busy["state"], busy["attempts"]) == ("queued", 1) and "451" in busy["last_error"]
    assert busy["next_attempt_at"] > busy["queued_at"]
    # not due yet: a run now leaves it
    assert sender.run().deferred == 0
    with pytest.raises(DomainError, match="not sent"):
        campaigns.complete(campaign.id, campaign.version)
    with pytest.raises(DomainError, match="not sent"):
        steps.complete(step.id, step.version)
    # each try waits longer, until the last try fails it
    session.settings().mail = {**session.settings().mail, "max_attempts": 3}
    for _ in range(2):
        database.execute_sql(
            "UPDATE mail_message SET next_attempt_at = NULL WHERE state = 'queued'"
        )
        sender.run()
    busy = dict_rows("SELECT * FROM mail_message WHERE to_address = 'busy@x.example'")[0]
    assert busy["state"] == "failed" and busy["last_error"].startswith("gave up after 3 tries")
    assert steps.cancel_unsent(step.id) == 2
    assert campaigns.complete(campaign.id, campaign.version).state == "completed"
    assert smtp.handler.to() == ["ok@x.example"]


def test_a_dropped_connection_sends_the_rest_and_that_one_later_once(smtp):
    smtp.handler.drop_at.add(2)
    campaign_mail(*({"first_name": f"N{i}", "email": f"n{i}@x.example"} for i in range(5)))
    report = sender.run()
    assert (report.sent, report.deferred) == (4, 1)
    database.execute_sql("UPDATE mail_message SET next_attempt_at = NULL WHERE state = 'queued'")
    assert sender.run().sent == 1
    to = smtp.handler.to()
    assert sorted(to) == sorted(f"n{i}@x.example" for i in range(5)) and len(set(to)) == 5


def test_who_asks_for_no_email_after_it_was_queued_is_not_sent_it(smtp):
    campaign_mail(
        {"first_name": "A", "email": "a@x.example"}, {"first_name": "B", "email": "b@x.example"}
    )
    b = dict_rows("SELECT id, version FROM contact WHERE email = 'b@x.example'")[0]
    contacts.update(b["id"], b["version"], {"do_not_bulk_email": True})
    report = sender.run()
    assert (report.sent, report.suppressed) == (1, 1)
    assert states() == {"a@x.example": "sent", "b@x.example": "suppressed"}


def test_a_suspended_campaigns_mail_waits_until_it_is_launched_again(smtp):
    campaign, _ = campaign_mail({"first_name": "A", "email": "a@x.example"})
    campaign = campaigns.suspend(campaign.id, campaign.version)
    assert sender.run().sent == 0
    campaigns.launch(campaign.id, campaign.version)
    assert sender.run().sent == 1


def test_an_email_activity_is_sent_from_its_parties(smtp):
    contact = contacts.create({"last_name": "Karimi", "email": "k@x.example"})
    email = activities.log(
        "email", "Your quote", description="Attached.", state="open",
        parties=[("to", "contact", contact.id, ""), ("cc", None, None, "boss@x.example")],
    )  # fmt: skip
    queue.send_activity(email.id)
    with pytest.raises(DomainError, match="already queued"):
        queue.send_activity(email.id)
    assert sender.run().sent == 1
    (received,) = smtp.handler.received
    assert sorted(received.envelope_to) == ["boss@x.example", "k@x.example"]
    assert "List-Unsubscribe" not in received.message
    assert activities.get(email.id).state == "completed"


def test_an_unreachable_server_or_missing_setup_keeps_the_mail_queued(db):
    session.settings().mail = {}
    with pytest.raises(DomainError, match="email is not set up"):
        sender.run()
    server = SmtpServer()  # never started: nothing listens on its port
    session.settings().mail = server.settings()
    campaign_mail({"first_name": "A", "email": "a@x.example"})
    report = sender.run()
    assert report.sent == 0 and "cannot be reached" in report.stopped
    assert states() == {"a@x.example": "queued"}


def test_a_password_file_others_may_read_is_refused(db, tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    mail = settings.read_mail({"host": "h", "from_address": "a@b.c", "password_file": str(secret)})
    with pytest.raises(DomainError, match="chmod 600"):
        settings.password(mail)
    secret.chmod(0o600)
    assert settings.password(mail) == "s3cret"


@pytest.mark.sqlite_only
def test_a_sender_killed_mid_run_sends_nobody_a_second_copy(smtp, db_path):
    campaign_mail(*({"first_name": f"N{i}", "email": f"n{i}@x.example"} for i in range(6)))
    ctx = multiprocessing.get_context("spawn")
    worker = ctx.Process(target=mail_workers.send_then_die, args=(str(db_path), smtp.settings(), 2))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == 3
    assert sorted(smtp.handler.to()) == ["n0@x.example", "n1@x.example"]
    # the dead sender's lease lapses before another may send
    database.execute_sql("UPDATE mail_sender SET beat_at = '2000-01-01T00:00:00'")
    report = sender.run()
    assert (report.interrupted, report.sent) == (4, 3)
    failed = dict_rows("SELECT * FROM mail_message WHERE state = 'failed'")
    assert [r["to_address"] for r in failed] == ["n2@x.example"]
    assert "may have arrived" in failed[0]["last_error"]
    to = smtp.handler.to()
    assert len(to) == len(set(to)) == 5
    queue.retry(failed[0]["id"])
    assert sender.run().sent == 1 and sorted(smtp.handler.to())[2] == "n2@x.example"


@pytest.mark.sqlite_only
def test_two_senders_at_once_one_sends(smtp, db_path):
    campaign_mail(*({"first_name": f"N{i}", "email": f"n{i}@x.example"} for i in range(30)))
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(
            target=mail_workers.send_all, args=(str(db_path), smtp.settings(), barrier, results)
        )
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    reports = sorted(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    sent = [n for outcome, n in reports if outcome == "sent"]
    assert sum(sent) == 30
    to = smtp.handler.to()
    assert len(to) == len(set(to)) == 30
    # the other either found the lease taken or nothing left to send
    assert all(o == "sent" or "another sender is running" in n for o, n in reports)


def test_an_email_written_and_sent_at_once_carries_its_literature(smtp):
    from crm_tui.services.marketing import literature, literature_items

    contact = contacts.create({"last_name": "Rostami", "email": "r@x.example"})
    message_id = queue.log_and_send(
        "Our brochure", description="As promised.", parties=[("to", "contact", contact.id, "")]
    )
    row = queue.get(message_id)
    sheet = literature.create({"title": "Spec sheet"})
    literature_items.add(sheet.id, ("spec.txt", "Quiet gearbox — 40 dB".encode()))
    literature.attach(sheet.id, "activity", row["activity_id"])
    assert sender.run().sent == 1
    (received,) = smtp.handler.received
    (attached,) = list(received.message.iter_attachments())
    assert attached.get_filename() == "spec.txt"
    assert attached.get_content().strip() == "Quiet gearbox — 40 dB"
    # a contact with no email: nothing is logged, since nothing can be queued
    quiet = contacts.create({"last_name": "NoMail"})
    before = dict_rows("SELECT count(*) AS n FROM activity")[0]["n"]
    with pytest.raises(DomainError, match="no address to send to"):
        queue.log_and_send("Nobody", parties=[("to", "contact", quiet.id, "")])
    assert dict_rows("SELECT count(*) AS n FROM activity")[0]["n"] == before


def test_a_sender_whose_lease_was_taken_over_stops_at_once(smtp):
    campaign_mail(*({"first_name": f"N{i}", "email": f"n{i}@x.example"} for i in range(5)))

    def taken_over(report) -> None:
        if report.sent == 1:  # another sender found this one silent and took over
            database.execute_sql(
                "UPDATE mail_sender SET holder = 'elsewhere:1:x', beat_at = '2000-01-01T00:00:00'"
            )

    report = sender.run(progress=taken_over)
    assert report.stopped == sender.TAKEN_OVER and report.sent == 2
    # what it had claimed is the one who took over's: it recovers them, sending none twice
    report = sender.run()
    assert report.interrupted == 3 and report.sent == 2
    to = smtp.handler.to()
    assert len(to) == len(set(to)) == 4
    assert [r["state"] for r in dict_rows("SELECT state FROM mail_message ORDER BY id")] == [
        "sent", "sent", "failed", "sent", "sent",
    ]  # fmt: skip


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_goes_over_tls_checked_against_the_companys_own_ca(db, tmp_path, security):
    server = SmtpServer(security, tmp_path).start()
    try:
        session.settings().mail = server.settings()  # the system's CAs: not this one
        campaign_mail({"first_name": "A", "email": "a@x.example"})
        report = sender.run()
        assert report.sent == 0 and "certificate verify failed" in report.stopped
        assert states() == {"a@x.example": "queued"}
        session.settings().mail = server.settings(ca_file=str(server.cert))
        assert sender.run().sent == 1
        assert server.handler.to() == ["a@x.example"]
    finally:
        server.stop()
