"""Guessing which column fills which field, from the headers other products
write: each guess names a field the kind has and a person may write, no
field twice, and never the columns a Dynamics export keeps for itself."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from crm_tui import meta
from crm_tui.services.imports import mapping, reading

DATA = Path(__file__).parent.parent / "data" / "imports"


def guessed(name: str, kind: str) -> dict[str, str | None]:
    return mapping.guess(kind, reading.sniff(DATA / name).headers)


def test_dynamics_contacts():
    found = guessed("dynamics_contacts.csv", "contact")
    assert [h for h, a in found.items() if h.startswith("(Do Not Modify)")] == [
        "(Do Not Modify) Contact", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On"]  # fmt: skip
    assert all(found[h] is None for h in found if h.startswith("(Do Not Modify)"))
    assert {h: a for h, a in found.items() if a} == {
        "Account Name": "account", "Email": "email", "Business Phone": "phone",
        "Mobile Phone": "mobile", "Address 1: City": "city", "Job Title": "job_title",
        "Description": "description", "Full Name": "full_name",
    }  # fmt: skip


def test_outlook_and_google_contacts():
    outlook = guessed("outlook_contacts.csv", "contact")
    assert (outlook["First Name"], outlook["Last Name"], outlook["E-mail Address"]) == (
        "first_name", "last_name", "email")  # fmt: skip
    assert outlook["Title"] is None  # a salutation there, not a job title
    assert outlook["Business Country/Region"] == "country"
    google = guessed("google_contacts.csv", "contact")
    assert (google["Given Name"], google["E-mail 1 - Value"], google["Organization 1 - Name"]) == (
        "first_name", "email", "account")  # fmt: skip
    assert google["E-mail 1 - Type"] is None


def test_persian_headers_in_either_letter_form():
    found = guessed("persian_contacts_cp1256.csv", "contact")
    # the file's yeh and kaf are Arabic; the guesses hold the Persian ones
    assert (found["نام"], found["نام خانوادگي"], found["شركت"], found["ايميل"]) == (
        "first_name", "last_name", "account", "email")  # fmt: skip


def test_salesforce_leads_and_an_excel_account_list():
    leads = guessed("salesforce_leads.csv", "lead")
    assert (leads["Company"], leads["Lead Source"], leads["Annual Revenue"]) == (
        "company_name", "source", "estimated_value")  # fmt: skip
    accounts = guessed("excel_unicode_text.txt", "account")
    assert (accounts["Company"], accounts["Revenue"], accounts["Contact"]) == (
        "name", "annual_revenue", None)  # fmt: skip


@given(st.lists(st.sampled_from([
    "Email", "E-mail Address", "email", "First Name", "Given Name", "Company", "Account Name",
    "Owner", "Created On", "Version", "Status", "City", "Notes", "x", "", "(Do Not Modify) Contact",
]), max_size=12))  # fmt: skip
def test_a_guess_names_each_writable_field_at_most_once(headers):
    headers = list(dict.fromkeys(headers))
    found = mapping.guess("contact", headers)
    assert list(found) == headers
    chosen = [a for a in found.values() if a is not None]
    assert len(chosen) == len(set(chosen))
    writable = {a.name for a in meta.kind("contact").attributes if not a.read_only}
    assert set(chosen) <= writable - {"owner"}
