"""vCards (2.1, 3.0 and 4.0, as phones, Google, Outlook and Apple write
them) read as rows of a contacts table, and contacts written as vCard 4.0.

Each card becomes one row under HEADERS, which are the contact's own field
labels, so the column map guesses them at once; a card that cannot be read
is a row with its problem, never a stop. Folded lines, escapes, quoted-
printable and character sets are the vCard library's."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from crm_tui.services.imports.reading import Row

HEADERS = (
    "First name", "Last name", "Full name", "Account", "Job title", "Email",
    "Business phone", "Mobile phone", "Street", "City", "State/Province",
    "ZIP/Postal code", "Country", "Description",
)  # fmt: skip
_MOBILE = {"cell", "mobile", "iphone"}


def _blocks(lines: Iterable[str]) -> Iterator[str]:
    """Each BEGIN:VCARD … END:VCARD block's text, streamed."""
    block: list[str] = []
    inside = False
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            block, inside = [line], True
        elif inside:
            block.append(line)
            if upper == "END:VCARD":
                inside = False
                yield "".join(block)


def _types(prop) -> set[str]:
    found = set()
    for name, values in prop.params.items():
        for value in values if name.upper() == "TYPE" else [name]:
            found.update(v.strip().lower() for v in str(value).split(","))
    return found


def _card(card) -> dict[str, str]:
    cells = dict.fromkeys(HEADERS, "")
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        cells["First name"] = " ".join(filter(None, [name.given, name.additional])).strip()
        cells["Last name"] = str(name.family or "").strip()
    if "fn" in contents:
        cells["Full name"] = str(contents["fn"][0].value).strip()
    if "org" in contents:
        org = contents["org"][0].value
        cells["Account"] = (org[0] if isinstance(org, list) and org else str(org)).strip()
    if "title" in contents:
        cells["Job title"] = str(contents["title"][0].value).strip()
    if "email" in contents:
        cells["Email"] = str(contents["email"][0].value).strip()
    for prop in contents.get("tel", []):
        number = str(prop.value).strip().removeprefix("tel:")
        column = "Mobile phone" if _types(prop) & _MOBILE else "Business phone"
        if not cells[column]:
            cells[column] = number
    if "adr" in contents:
        adr = contents["adr"][0].value
        street = adr.street if isinstance(adr.street, str) else " ".join(adr.street)
        cells.update({
            "Street": street.strip(), "City": str(adr.city).strip(),
            "State/Province": str(adr.region).strip(), "ZIP/Postal code": str(adr.code).strip(),
            "Country": str(adr.country).strip(),
        })  # fmt: skip
    if "note" in contents:
        cells["Description"] = str(contents["note"][0].value).strip()
    if not cells["Last name"] and cells["Full name"]:
        cells["First name"], _, cells["Last name"] = cells["Full name"].rpartition(" ")
    return cells


def rows(path: Path) -> Iterator[Row]:
    """The cards of `path` as rows numbered by their place in the file."""
    import vobject  # only an import of vCards needs it

    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        for number, block in enumerate(_blocks(f), start=1):
            try:
                cells = _card(vobject.readOne(block))
            except Exception as exc:  # noqa: BLE001 - a malformed card, in any of its ways
                yield Row(number, dict.fromkeys(HEADERS, ""), f"this card cannot be read ({exc})")
                continue
            problem = "a byte UTF-8 cannot read" if "\ufffd" in block else ""
            yield Row(number, cells, problem)


def write(out: TextIO, names: list[str], data: Iterable[tuple]) -> int:
    """Contacts (rows of the contacts export: `names` its columns) as vCard
    4.0 cards; returns how many were written."""
    import vobject

    count = 0
    for row in data:
        values = {k: ("" if v is None else str(v)) for k, v in zip(names, row, strict=True)}
        card = vobject.vCard()
        card.add("version").value = "4.0"
        card.add("fn").value = values.get("full_name") or values.get("last_name") or "?"
        card.add("n").value = vobject.vcard.Name(
            family=values.get("last_name", ""), given=values.get("first_name", "")
        )
        if values.get("account"):
            card.add("org").value = [values["account"]]
        if values.get("job_title"):
            card.add("title").value = values["job_title"]
        if values.get("email"):
            card.add("email").value = values["email"]
        for column, kind in (("phone", "work"), ("mobile", "cell")):
            if values.get(column):
                tel = card.add("tel")
                tel.value = values[column]
                tel.type_param = kind
        if any(values.get(c) for c in ("street", "city", "postal_code", "country")):
            card.add("adr").value = vobject.vcard.Address(
                street=values.get("street", ""), city=values.get("city", ""),
                region=values.get("state_province", ""), code=values.get("postal_code", ""),
                country=values.get("country", ""),
            )  # fmt: skip
        if values.get("description"):
            card.add("note").value = values["description"]
        card.add("uid").value = f"urn:crm-tui:contact:{values.get('id', '')}"
        out.write(card.serialize())
        count += 1
    return count
