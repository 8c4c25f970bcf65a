"""An import's dry run of contacts: nothing is written; every row is to be
created, a duplicate (of a contact or of an earlier row) or an error with its
column, value and reason, and the counts add up to the rows of the file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.db import dict_rows
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.imports import mapping, plan, reading

DATA = Path(__file__).parent.parent / "data" / "imports"


def contact_count() -> int:
    return dict_rows("SELECT count(*) AS n FROM contact")[0]["n"]


def run(path: Path, options: plan.Options | None = None):
    guessed = mapping.guess("contact", reading.sniff(path).headers)
    return plan.dry_run(path, "contact", guessed, options)


def test_an_outlook_file_is_checked_and_nothing_is_written(db):
    accounts.create({"name": "Müller & Söhne GmbH"})
    accounts.create({"name": "Café Crème SARL"})
    before = contact_count()
    found = run(DATA / "outlook_contacts.csv")
    assert found.counts == {"create": 2}
    first = found.shown["create"][0]
    assert (first.number, first.values["last_name"], first.values["email"]) == (
        2, "Müller", "j.mueller@example.de")  # fmt: skip
    assert first.values["account_id"] is not None
    assert contact_count() == before


def test_an_unknown_account_and_a_bad_email_are_errors_with_their_column(db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "First Name,Last Name,Company,E-mail Address\r\n"
        "Ann,Lee,Nobody Ltd,ann@example.com\r\n"
        "Bob,,,bob@example.com\r\n"
        "Cy,Ray,,not-an-email\r\n",
        encoding="utf-8",
    )
    found = run(path)
    assert found.counts == {"error": 3}
    assert [(r.number, r.problems[0][:2]) for r in found.errors] == [
        (2, ("Company", "Nobody Ltd")),
        (3, ("Last Name", "")),
        (4, ("E-mail Address", "not-an-email")),
    ]
    assert "no account has this email or name" in found.errors[0].problems[0][2]


def test_duplicates_of_the_database_and_of_earlier_rows_are_set_apart(db, tmp_path):
    contacts.create({"first_name": "Sara", "last_name": "Karimi", "email": "sara@parstile.ir"})
    path = tmp_path / "dupes.csv"
    path.write_text(
        "First Name,Last Name,Email\r\n"
        "Sara,Karimi,SARA@parstile.ir\r\n"
        "Reza,Ahmadi,reza@example.ir\r\n"
        "Reza,Ahmadi,reza@example.ir\r\n",
        encoding="utf-8",
    )
    found = run(path)
    assert found.counts == {"duplicate": 2, "create": 1}
    reasons = [r.problems[0][2] for r in found.shown["duplicate"]]
    assert reasons == ["same email as the contact Sara Karimi", "repeats row 3"]


def test_a_long_row_is_an_error_not_a_cut(db):
    found = plan.dry_run(DATA / "ragged.csv", "contact", {"name": "last_name", "city": "city"})
    assert found.counts == {"create": 2, "error": 1}
    assert found.errors[0].number == 3


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(["", "Lee", "Ray", "نیک‌نام"]),
                          st.sampled_from(["", "a@x.com", "b@x.com", "bad", "A@X.COM"])),
                max_size=12))  # fmt: skip
def test_every_row_is_accounted_for(db, tmp_path_factory, people):
    path = tmp_path_factory.mktemp("p") / "people.csv"
    lines = ["Last Name,Email", *(f"{last},{email}" for last, email in people)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    found = run(path)
    rows = [p for p in people if p != ("", "")]  # blank rows are no rows
    assert found.total == len(rows)
    assert sum(found.counts.values()) == len(rows)


def test_an_account_the_person_may_not_read_is_not_found_by_its_name(db, tmp_path):
    from crm_tui.models import User
    from crm_tui.services import roles, session, users

    accounts.create({"name": "Secret Co"})
    users.add("lone", "Lone Agent", "agent")
    roles.set_depth("agent", "account", "read", "own")
    session.act_as(User.get(User.login == "lone"))
    path = tmp_path / "people.csv"
    path.write_text("Last Name,Company\r\nLee,Secret Co\r\n", encoding="utf-8")
    found = run(path)
    assert [r.problems[0][2] for r in found.errors] == ["no account has this email or name"]
