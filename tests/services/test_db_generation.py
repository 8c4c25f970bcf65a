"""db.generation(): how a screen under another one knows, when it is shown
again, whether anything was written meanwhile (record details read again
only then)."""

from __future__ import annotations

import apsw
import pytest

from crm_tui.db import change_watcher, generation
from crm_tui.errors import CrmError
from crm_tui.services.customers import accounts


def test_a_write_moves_the_generation_on_a_read_or_a_refused_write_does_not(db):
    before = generation()
    account = accounts.create({"name": "Fabrikam"})
    after_create = generation()
    assert after_create > before

    accounts.get(account.id)
    accounts.contacts_of(account.id)
    assert generation() == after_create

    with pytest.raises(CrmError):
        accounts.create({"name": ""})  # refused: nothing written
    assert generation() == after_create

    accounts.update(account.id, account.version, {"city": "Shiraz"})
    assert generation() > after_create


@pytest.mark.sqlite_only
def test_another_connections_commit_moves_it_on_once_the_watcher_sees_it(db, db_target):
    watcher = change_watcher()
    seen = generation()
    other = apsw.Connection(str(db_target))
    other.execute("CREATE TABLE probe (x INTEGER)")
    other.close()
    assert generation() == seen  # not noticed yet: the app polls
    assert watcher.changed() is True
    assert generation() == seen + 1
    assert watcher.changed() is False
    assert generation() == seen + 1
    watcher.close()
