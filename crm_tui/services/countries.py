"""Countries as people type them on records ("Nigeria", "NG", "NGA",
"Deutschland", "ایران", "UK") read as the ISO 3166 region a phone number is
read by.

The names are in crm_tui/data/countries.json, per region: the ISO 3166-1
codes, short, common and official English names and the usual short forms,
then the names in the languages of the people the product is used by
(German, Spanish, French, Italian, Portuguese, Dutch, Swedish, Norwegian,
Turkish, Persian and Arabic), as kept by the Debian iso-codes project. Only regions the phone library reads numbers
of are listed. The table is read at the first look-up, not with the
services."""

from __future__ import annotations

import functools
import json
import re
import unicodedata

from crm_tui import text
from crm_tui.services import session

_WORD = re.compile(r"\w+")


def key(name: str | None) -> str:
    """What a typed country name is compared by: case, accents, Arabic and
    Persian letter forms, punctuation and a leading "the" do not count."""
    folded = unicodedata.normalize("NFKD", text.normalize(name))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = _WORD.findall(folded)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@functools.cache
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(name key -> region, region -> its English name)."""
    from importlib import resources

    source = resources.files("crm_tui.data") / "countries.json"
    regions: dict[str, list[str]] = json.loads(source.read_text(encoding="utf-8"))["regions"]
    by_key = {key(name): region for region, names in regions.items() for name in names}
    # names[0] and [1] are the ISO codes; names[2] the English short name
    return by_key, {region: names[2] for region, names in regions.items()}


def region_of(typed: str | None) -> str:
    """The ISO 3166 region (NG) of a country as typed, or "" when it is
    empty or not a country the table knows."""
    folded = key(typed)
    return _table()[0].get(folded, "") if folded else ""


def name_of(region: str) -> str:
    """The English name of a region (Nigeria for NG); the code itself when
    the table does not list it."""
    return _table()[1].get(region.upper(), region.upper())


def phone_region(*typed: str | None) -> str:
    """The region a phone typed without its +country code is read in: that
    of the first of the record's countries (its own, then its account's)
    that names one, else the default region of the settings ("" for none)."""
    for country in typed:
        if region := region_of(country):
            return region
    return session.settings().default_region
