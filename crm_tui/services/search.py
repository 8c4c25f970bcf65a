"""Full-text search (FTS5) over every listed record type.

Both the index and the query are normalised in Python (crm_tui.text), so
Persian and Arabic spellings, digits and diacritics fold together. The index
is contentless and keyed by record id; services update it in the same
transaction as the record.

On PostgreSQL each index is a table with a weighted tsvector (see
crm_tui/db/migrations/ddl.py). The services still build FTS5 match strings;
`fts_from`, `match_sql`, `match_param` and `rank_expr` turn a query into
either engine's SQL, and `document` stores text split into the words
SQLite's tokenizer would make, so both engines find and rank the same.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from itertools import islice

from crm_tui import meta, text
from crm_tui.db import database, executemany, is_postgres
from crm_tui.meta import AttributeType
from crm_tui.services.validate import phone_search_terms

# bm25 column weights: a hit in the name outranks a hit in the details.
WEIGHTS = "10.0, 1.0"

# Per kind: the rows to index, as (id, name, number, email, web, phone,
# mobile, city, country, extra), and the id column to select one by.
# "number" is indexed with the name (its hits rank high).
_CUSTOMER = "coalesce(a.name, c.full_name, '')"
_DOCUMENT = (
    "SELECT d.id, d.name, {}, '', '', '', '', '', '', " + _CUSTOMER + " FROM {} d "
    "LEFT JOIN account a ON a.id = d.account_id LEFT JOIN contact c ON c.id = d.contact_id"
)
_SOURCES = {
    "account": (
        "SELECT id, name, account_number, email, website, phone, '', city, country, industry "
        "FROM account",
        "id",
    ),
    "contact": (
        "SELECT c.id, c.full_name, '', c.email, coalesce(a.name, ''), c.phone, c.mobile,"
        " c.city, c.country, c.job_title FROM contact c LEFT JOIN account a ON a.id = c.account_id",
        "c.id",
    ),
    "lead": (
        "SELECT id, full_name, company_name, email, website, phone, '', city, country, "
        "job_title || ' ' || topic FROM lead",
        "id",
    ),
    "opportunity": (
        "SELECT o.id, o.name, " + _CUSTOMER + ", '', '', '', '', '', '', '' FROM opportunity o "
        "LEFT JOIN account a ON a.id = o.account_id LEFT JOIN contact c ON c.id = o.contact_id",
        "o.id",
    ),
    "competitor": (
        "SELECT id, name, '', '', website, '', '', '', '', '' FROM competitor",
        "id",
    ),
    "product": (
        "SELECT id, name, product_number, '', '', '', '', '', '', description FROM product",
        "id",
    ),
    # A case by its number, title, customer (and their email and phone),
    # subject and description.
    "case": (
        "SELECT k.id, k.title, k.number, coalesce(c.email, a.email, ''), '', "
        "coalesce(c.phone, a.phone, ''), '', '', '', "
        + _CUSTOMER
        + " || ' ' || k.subject || ' ' || k.description "
        'FROM "case" k LEFT JOIN account a ON a.id = k.account_id '
        "LEFT JOIN contact c ON c.id = k.contact_id",
        "k.id",
    ),
    # A quote is found by the number people read: QUO-00001-R2.
    "quote": (_DOCUMENT.format("d.number || '-R' || d.revision", "quote"), "d.id"),
    "order": (_DOCUMENT.format("d.number", "sales_order"), "d.id"),
    "invoice": (_DOCUMENT.format("d.number", "invoice"), "d.id"),
    "marketing_list": (
        "SELECT id, name, '', '', '', '', '', '', '', purpose || ' ' || source FROM marketing_list",
        "id",
    ),
    "campaign": ("SELECT id, name, number, '', '', '', '', '', '', '' FROM campaign", "id"),
    # literature by its title, subject, keywords and the words of its files
    "sales_literature": (
        "SELECT s.id, s.title, '', '', '', '', '', '', '', "
        "s.subject || ' ' || s.keywords || ' ' || coalesce(t.words, '') "
        "FROM sales_literature s LEFT JOIN (SELECT literature_id, "
        "group_concat(text_content, ' ') AS words FROM literature_item "
        "GROUP BY literature_id) t ON t.literature_id = s.id",
        "s.id",
    ),
}


def _source(kind: str) -> tuple[str, str]:
    """`_SOURCES[kind]` with the kind's searchable custom text fields
    selected after its ten columns: free words find their values too."""
    sql, key = _SOURCES[kind]
    custom = [
        a.name
        for a in meta.kind(kind).attributes
        if a.custom and a.searchable and a.type in (AttributeType.TEXT, AttributeType.MEMO)
    ]
    if not custom:
        return sql, key
    alias = key.split(".")[0] + "." if "." in key else ""
    head, tail = sql.split(" FROM ", 1)
    return head + "".join(f', {alias}"{c}"' for c in custom) + " FROM " + tail, key


def _documents(row) -> tuple[str, str]:
    _, name, number, email, web, phone, mobile, city, country, extra = row[:10]
    if len(row) > 10:  # searchable custom fields
        extra = " ".join([extra or "", *(value or "" for value in row[10:])])
    phone_terms = phone_search_terms(phone) + phone_search_terms(mobile)
    domain = email.split("@", 1)[1] if "@" in (email or "") else ""
    details = " ".join(
        [
            email or "",
            domain,
            web or "",
            " ".join(phone_terms),
            city or "",
            country or "",
            extra or "",
        ]
    )
    # normalize() joins the parts of a ZWNJ compound (فن‌آوران -> فنآوران); index
    # the parts as well, for keyboards that type a space instead of ZWNJ.
    parts = name.replace("\u200c", " ") if "\u200c" in (name or "") else ""
    return text.normalize(f"{name} {number} {parts}"), text.normalize(details)


def index(kind: str, record_id: int) -> None:
    """(Re)index one record; call inside the write transaction that changed it."""
    table = f"{kind}_fts"
    database.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (record_id,))
    sql, key = _source(kind)
    row = database.execute_sql(f"{sql} WHERE {key} = ?", (record_id,)).fetchone()
    if row is not None:
        name, details = _documents(row)
        database.execute_sql(
            f"INSERT INTO {table} (rowid, name, details) VALUES (?, ?, ?)",
            (record_id, document(name), document(details)),
        )


def changed_words(changes: dict, indexed: set[str]) -> bool:
    """Whether a record's `changes` touch what its index holds: the fields
    `indexed`, or a custom field (searchable ones are indexed)."""
    return bool(changes.keys() & indexed) or any(k.startswith("cf_") for k in changes)


def indexed_kinds() -> tuple[str, ...]:
    """The record kinds with a full-text index kept by `index`/`reindex`."""
    return tuple(_SOURCES)


def reindex(kind: str, batch: int = 5000) -> int:
    """Rebuild the whole index of `kind` from its table; returns rows indexed."""
    table = f"{kind}_fts"
    database.execute_sql(f"DELETE FROM {table}")
    cursor = iter(database.execute_sql(_source(kind)[0]))
    count = 0
    while rows := list(islice(cursor, batch)):
        executemany(
            f"INSERT INTO {table} (rowid, name, details) VALUES (?, ?, ?)",
            [(row[0], *map(document, _documents(row))) for row in rows],
        )
        count += len(rows)
    return count


# --- the query, on either engine ----------------------------------------------------
#
# A query names the index as `fts_from(kind)` in its FROM and matches with
# `match_sql(kind)` in its WHERE; the one `?` of the pair takes
# `match_param(kind, fts)`. On SQLite the `?` is in the WHERE, on PostgreSQL
# in the FROM, so nothing between the two may take a parameter: no `?` in
# the joins before the WHERE, and the match first in the WHERE. A query that
# walks the matches by rowid and needs no rank names the index as `{kind}_fts`
# and matches with `unranked_match_sql(kind)`, its `?` in the WHERE on both.

# Each index's columns (in order: ts_rank weights A, B, C, D) and their
# weights: bm25's on SQLite (kb's rank column is set to the same by m0008),
# ts_rank's on PostgreSQL, where they must lie in 0..1.
_COLUMNS = {"kb": ("title", "keywords", "cases", "body")}
_NAME_DETAILS = ("name", "details")
_PG_WEIGHTS = {"kb": "{0.1, 0.3, 0.6, 1.0}"}  # {D, C, B, A}: bm25's 1, 3, 6, 10
_PG_NAME_DETAILS = "{0, 0, 0.1, 1.0}"  # bm25's 10.0, 1.0
# kb_fts is stemmed with porter on both engines (ddl._fts_postgres).
_PG_CONFIG = {"kb": "crm_porter"}


def fts_from(kind: str) -> str:
    """The FROM item of `kind`'s index, named `{kind}_fts`, with its `rowid`
    and (on PostgreSQL) `rank`: only the rows matching the query."""
    if not is_postgres():
        return f"{kind}_fts"
    weights = _PG_WEIGHTS.get(kind, _PG_NAME_DETAILS)
    config = _PG_CONFIG.get(kind, "simple")
    # crm_match_* (crm_tui/db/migrations/ddl.py) ranks, and keeps what the
    # person may read once the server's access rules are installed
    return (
        f"(SELECT rowid, rank FROM crm_match_{kind}_fts(to_tsquery('{config}', ?), "
        f"'{weights}')) AS {kind}_fts"
    )


def match_sql(kind: str) -> str:
    """The WHERE condition keeping `kind`'s index rows that match the query
    (see `fts_from`)."""
    return "TRUE" if is_postgres() else f"{kind}_fts MATCH ?"


def unranked_match_sql(kind: str) -> str:
    """The WHERE condition (one `?`, its parameter `match_param`) keeping the
    rows of `kind`'s index, named `{kind}_fts` in FROM as itself, that match
    the query; for a query that walks them by rowid and needs no rank.

    On PostgreSQL this reads the index table itself, not `fts_from`'s
    function: the function ranks every match (and, under the server's access
    rules, checks it) before the first row comes back, where a walk by rowid
    stops at the page. The table's own row policy keeps only the index rows
    of records the person may read, as the function does."""
    if not is_postgres():
        return match_sql(kind)
    return f"{kind}_fts.doc @@ to_tsquery('{_PG_CONFIG.get(kind, 'simple')}', ?)"


def count_matches(kind: str, fts: str, limit: int) -> int:
    """How many rows of `kind`'s index match the FTS5 query `fts`, counted
    no further than `limit` (every index but the knowledge base's). On
    PostgreSQL a function counts (ddl.COUNT_FUNCTION): through the ranking
    function the count would wait for every match to be ranked."""
    if is_postgres():
        config = _PG_CONFIG.get(kind, "simple")
        sql = f"SELECT crm_count_{kind}_fts(to_tsquery('{config}', ?), ?)"
    else:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {kind}_fts WHERE {kind}_fts MATCH ? LIMIT ?) AS _m"
    return database.execute_sql(sql, (match_param(kind, fts), limit)).fetchone()[0]


def matches_sql(kind: str) -> str:
    """`SELECT rowid` of the index rows matching the query (one `?`)."""
    return f"SELECT rowid FROM {fts_from(kind)} WHERE {match_sql(kind)}"


def match_param(kind: str, fts: str) -> str:
    """The parameter of `fts_from`/`match_sql` for the FTS5 query `fts`."""
    return tsquery(fts, _COLUMNS.get(kind, _NAME_DETAILS)) if is_postgres() else fts


def rank_expr(kind: str) -> str:
    """The rank of a match of `kind`'s index, lower is better: a hit in the
    name outranks a hit in the details."""
    return f"{kind}_fts.rank" if is_postgres() else f"bm25({kind}_fts, {WEIGHTS})"


# --- PostgreSQL: documents and queries in SQLite's words ------------------------------

# unicode61 with remove_diacritics 2 splits on what is neither letter nor
# digit, but keeps the combining marks it can remove inside a word and drops
# them; it folds accented Latin letters to an ASCII base letter (é -> e,
# ø stays). `text.normalize` has already cased and composed the text.
_DIACRITICS = "\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331"
_DIACRITIC = re.compile(f"[{_DIACRITICS}]")
_WORD = re.compile(r"[^\W_]+")


def _latin_fold() -> dict[int, str | None]:
    table: dict[int, str | None] = {
        cp: None for cp in range(0x300, 0x370) if _DIACRITIC.match(chr(cp))
    }
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = _DIACRITIC.sub("", unicodedata.normalize("NFD", chr(cp)))
        # ǡ (a, dot, macron) is the one such letter unicode61 leaves as it is
        if base != chr(cp) and base.isascii() and cp not in (0x1E0, 0x1E1):
            table[cp] = base
    return table


_FOLD = _latin_fold()


def words(value: str | None) -> list[str]:
    """The words SQLite's index makes of normalised text: split, with
    accents removed as its tokenizer removes them."""
    return _WORD.findall((value or "").translate(_FOLD))


def document(value: str) -> str:
    """What an index column stores: the normalised text itself on SQLite,
    which splits it; its words on PostgreSQL, so that its parser finds the
    same words (it would keep an email or a host name whole)."""
    return " ".join(words(value)) if is_postgres() else value


@functools.lru_cache(maxsize=1024)
def tsquery(fts: str, columns: tuple[str, ...] = _NAME_DETAILS) -> str:
    """The PostgreSQL tsquery for the FTS5 query `fts` on an index of
    `columns`: phrases (`<->`), prefixes (`:*`), AND, OR, NOT, column filters
    (`name : ...`, `{a b} : ...`, as weights) and FTS5's precedence. A query
    that can match nothing is ''."""
    return _Parser(fts, columns).query() or ""


_TOKENS = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([^\s"(){}:*+^-]+)|(.))')
_OPERATORS = ("AND", "OR", "NOT")


class _Parser:
    """FTS5's query syntax (less NEAR and ^), read into tsquery text. A
    part that can match nothing (a phrase without words) is None."""

    def __init__(self, fts: str, columns: tuple[str, ...]) -> None:
        self.columns = columns
        # (kind, text): a quoted "s"tring, a bare "w"ord, or "p"unctuation
        self.tokens: list[tuple[str, str]] = []
        for found in _TOKENS.finditer(fts):
            quoted, bare, other = found.groups()
            if quoted is not None:
                self.tokens.append(("s", quoted.replace('""', '"')))
            elif bare is not None:
                self.tokens.append(("w", bare))
            else:
                self.tokens.append(("p", other))
        self.at = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, kind: str, value: str | None = None) -> bool:
        token = self._peek()
        if token and token[0] == kind and value in (None, token[1]):
            self.at += 1
            return True
        return False

    def query(self) -> str | None:
        found = self._or(None)
        if self._peek() is not None:
            raise ValueError(f"cannot read the full-text query at {self._peek()}")
        return found

    def _or(self, weights: str | None) -> str | None:
        parts = [self._and(weights)]
        while self._take("w", "OR"):
            parts.append(self._and(weights))
        kept = [p for p in parts if p is not None]
        return _joined(kept, " | ") if kept else None

    def _and(self, weights: str | None) -> str | None:
        parts = [self._not(weights)]
        while self._take("w", "AND"):
            parts.append(self._not(weights))
        return None if None in parts else _joined(parts, " & ")

    def _not(self, weights: str | None) -> str | None:
        kept = self._sequence(weights)
        while self._take("w", "NOT"):
            excluded = self._sequence(weights)
            if kept is not None and excluded is not None:
                kept = f"({kept} & !{excluded})"
        return kept

    def _sequence(self, weights: str | None) -> str | None:
        # Phrases side by side are an AND that binds tighter than NOT.
        parts = [self._unit(weights)]
        while (token := self._peek()) is not None and (
            token[0] == "s"
            or (token[0] == "p" and token[1] in "({-")
            or (token[0] == "w" and token[1] not in _OPERATORS)
        ):
            parts.append(self._unit(weights))
        return None if None in parts else _joined(parts, " & ")

    def _unit(self, weights: str | None) -> str | None:
        weights = self._columns(weights)
        if self._take("p", "("):
            inner = self._or(weights)
            if not self._take("p", ")"):
                raise ValueError("unclosed parenthesis in the full-text query")
            return inner
        return self._phrase(weights)

    def _columns(self, weights: str | None) -> str | None:
        """A column filter before a phrase or group, as weight letters
        (within any filter around it)."""
        start = self.at
        excluded = self._take("p", "-")
        names: list[str] = []
        if self._take("p", "{"):
            while self._peek() is not None and self._peek()[0] == "w":
                names.append(self._peek()[1])
                self.at += 1
            if not self._take("p", "}"):
                raise ValueError("unclosed column list in the full-text query")
        elif (token := self._peek()) and token[0] == "w" and token[1] not in _OPERATORS:
            self.at += 1
            names.append(token[1])
        if not names or not self._take("p", ":"):
            self.at = start
            return weights
        letters = {"ABCD"[self.columns.index(name)] for name in names}
        if excluded:
            letters = set("ABCD"[: len(self.columns)]) - letters
        if weights is not None:
            letters &= set(weights)
        return "".join(sorted(letters))

    def _phrase(self, weights: str | None) -> str | None:
        found: list[str] = []
        while True:
            token = self._peek()
            if token is None or token[0] == "p" or (token[0] == "w" and token[1] in _OPERATORS):
                raise ValueError(f"expected a phrase in the full-text query at {token}")
            self.at += 1
            tokens = words(token[1])
            prefix = self._take("p", "*")
            found += [
                f"'{w}'" + (":*" if prefix and i == len(tokens) - 1 else "")
                for i, w in enumerate(tokens)
            ]
            if not self._take("p", "+"):
                break
        if not found or weights == "":
            return None
        if weights:
            found = [f"{w}{weights}" if w.endswith("*") else f"{w}:{weights}" for w in found]
        return _joined(found, " <-> ")


def _joined(parts: list[str], operator: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + operator.join(parts) + ")"


# A phone as people write it: digits in groups, maybe a +country code.
_PHONE_QUERY = re.compile(r"\+?[\d\s().\-/]+")


def query_for(typed: str | None) -> str | None:
    """The FTS5 query for what a person typed, or None for no filter. A
    phone typed in groups (+234 803 555 1234, 0803-555-1234) also matches
    as one run of digits, which is how phones are indexed."""
    fts = text.fts_prefix_query(typed)
    folded = text.normalize(typed)
    if fts is None or not _PHONE_QUERY.fullmatch(folded) or len(text.tokens(folded)) < 2:
        return fts
    digits = re.sub(r"\D", "", folded)
    return f'({fts}) OR "{digits}"*'
