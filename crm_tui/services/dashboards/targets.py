"""Sales targets: the revenue a person is hoped to win in a quarter, set by
managers and admins, read by everyone (the dashboard's won-against-target)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from crm_tui.db import dict_rows, write
from crm_tui.errors import PermissionDenied, ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import session, users

SETTERS = ("manager", "admin")
_PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")


def of(user_ids, period: str) -> dict[int, Decimal]:
    """{user id: target} for the quarter `period` ("2026-Q4"); people with
    none set are absent."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return {}
    rows = dict_rows(
        f"SELECT user_id, amount FROM sales_target WHERE period = ? "
        f"AND user_id IN ({', '.join('?' * len(ids))})",
        [period, *ids],
    )
    return {int(r["user_id"]): Decimal(int(r["amount"])).scaleb(-2) for r in rows}


def set_target(login: str, period: str, typed: str) -> Decimal | None:
    """Set (or with "" clear) `login`'s target for `period`; a manager or an
    admin only. Returns the amount kept."""
    me = session.current_user()
    if me.role not in SETTERS:
        raise PermissionDenied("only managers and admins set sales targets")
    period = period.strip().upper()
    errors = {}
    if not _PERIOD.match(period):
        errors["period"] = f"a quarter such as 2026-Q4, not {period!r}"
    amount = None
    if typed.strip():
        try:
            amount = Decimal(typed.strip().replace(",", "").replace("_", ""))
        except InvalidOperation:
            errors["amount"] = f"{typed!r} is not an amount"
        else:
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                errors["amount"] = "a positive amount with at most two decimals"
    if errors:
        raise ValidationError(errors)
    user = users.get(login)
    with write():
        dict_rows("DELETE FROM sales_target WHERE user_id = ? AND period = ?", [user.id, period])
        if amount is not None:
            dict_rows(
                "INSERT INTO sales_target (user_id, period, amount, set_by, modified_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [user.id, period, int(amount * 100), me.id, to_db_time(utcnow())],
            )
    return amount
