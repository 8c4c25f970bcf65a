"""The files of sales literature: stored in the database (up to the
attachment size cap), saved out again, and read for the words that find
them: plain text and Markdown as they are, a PDF's text through pypdf."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import NotFound, ValidationError
from crm_tui.models import LiteratureItem
from crm_tui.models.base import utcnow
from crm_tui.services import access, records, search, session
from crm_tui.services.customers.notes import write_new_file
from crm_tui.services.marketing import literature

# as many characters of a file's text as are indexed: the words of a long
# manual's first pages find it
TEXT_LIMIT = 200_000
_TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".csv", ".text")


class ItemRow(TypedDict):
    """A file of a piece of literature."""

    id: int
    title: str
    file_name: str
    mime: str
    size: int
    has_text: int  # 1 when its words were read for searching
    added_at: str


def words_of(name: str, payload: bytes) -> str:
    """The text of a file to index: "" for a file whose words cannot be read."""
    suffix = Path(name).suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return payload.decode(encoding)[:TEXT_LIMIT]
            except UnicodeDecodeError:
                continue
        return ""
    if suffix == ".pdf" or payload[:5] == b"%PDF-":
        return _pdf_words(payload)
    return ""


def _pdf_words(payload: bytes) -> str:
    import io

    # imported when a PDF is added: nothing else needs it
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(payload))
        parts, size = [], 0
        for page in reader.pages:
            part = page.extract_text() or ""
            parts.append(part)
            size += len(part)
            if size >= TEXT_LIMIT:
                break
        return "\n".join(parts)[:TEXT_LIMIT]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return ""  # an encrypted or broken PDF is kept, unsearched


def add(literature_id: int, file: Path | str | tuple[str, bytes], title: str = "") -> ItemRow:
    """Store a file with the literature (a path, or (name, bytes)); refused
    above the attachment size cap. Its words are indexed with the literature."""
    if isinstance(file, tuple):
        name, payload = file
    else:
        path = Path(file).expanduser()
        if not path.is_file():
            raise ValidationError({"file": f"{path} is not a readable file"})
        name = path.name
        limit = session.settings().attachment_max_bytes
        try:
            size = path.stat().st_size
            if size > limit:
                raise ValidationError(
                    {"file": f"{name} is {size:,} bytes; files are limited to {limit:,}"}
                )
            payload = path.read_bytes()
        except OSError as exc:
            raise ValidationError({"file": f"{path} cannot be read: {exc.strerror}"}) from None
    limit = session.settings().attachment_max_bytes
    if len(payload) > limit:
        raise ValidationError(
            {"file": f"{name} is {len(payload):,} bytes; files are limited to {limit:,}"}
        )
    if not payload:
        raise ValidationError({"file": f"{name} is empty"})
    name = text.clean(Path(name).name)[:200] or "file"
    words = text.clean(words_of(name, payload), multiline=True)
    with write():
        row = literature.get(literature_id)
        access.require("write", "sales_literature", row.owner_id)
        new_id = records.insert_row(
            LiteratureItem,
            {
                "literature": literature_id,
                "title": text.clean(title)[:200] or name,
                "file_name": name,
                "mime": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "size": len(payload),
                "content": payload,
                "text_content": words,
                "added_at": utcnow(),
                "added_by": session.current_user().id,
            },
        )
        records.audit("sales_literature", literature_id, "file added", {"files": (None, name)})
        search.index("sales_literature", literature_id)
    return next(r for r in items_of(literature_id) if r["id"] == new_id)


def remove(item_id: int) -> None:
    """Delete a file from its literature."""
    with write():
        row = database.execute_sql(
            "SELECT literature_id, file_name FROM literature_item WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise NotFound("this file was removed already")
        owner = literature.get(row[0]).owner_id
        access.require("write", "sales_literature", owner)
        database.execute_sql("DELETE FROM literature_item WHERE id = ?", (item_id,))
        records.audit("sales_literature", row[0], "file removed", {"files": (row[1], None)})
        search.index("sales_literature", row[0])


def items_of(literature_id: int) -> list[ItemRow]:
    """The literature's files, in the order added."""
    return dict_rows(
        "SELECT id, title, file_name, mime, size, CASE WHEN text_content != '' THEN 1 ELSE 0 "
        "END AS has_text, added_at FROM literature_item WHERE literature_id = ? ORDER BY id",
        (literature_id,),
    )


def contents(literature_ids) -> list[tuple[str, str, bytes]]:
    """(file name, mime type, bytes) of every file of the literature given,
    to send with a message."""
    ids = [int(i) for i in literature_ids]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return [
        (name, mime, bytes(content))
        for name, mime, content in database.execute_sql(
            f"SELECT file_name, mime, content FROM literature_item WHERE literature_id IN ({marks}) "
            "ORDER BY literature_id, id",
            ids,
        )
    ]


def save(item_id: int, dest: Path | str) -> Path:
    """Write a file to `dest` (a folder or a file path that does not exist)."""
    row = database.execute_sql(
        "SELECT file_name, content, literature_id FROM literature_item WHERE id = ?", (item_id,)
    ).fetchone()
    if row is None:
        raise NotFound("this file was removed")
    literature.get(row[2])  # readable
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / row[0]
    return write_new_file(dest, bytes(row[1]))
