"""The cases offered for linking an article: the person's own active cases,
most recently touched first; typed words narrow them and add the other
cases the person may read that match, after their own."""

from __future__ import annotations

from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.knowledge import kb
from crm_tui.services.support import cases


def _published(title: str) -> int:
    row = kb.create({"title": title, "body": "Open the sign-in page."})
    row = kb.submit(row.id, row.version)
    row = kb.approve(row.id, row.version)
    return kb.publish(row.id, row.version).id


def test_own_active_cases_most_recently_touched_first(db):
    me = session.current_user()
    acme = accounts.create({"name": "Acme"})
    article = _published("Reset a forgotten password")
    first = cases.create({"title": "Locked out of the portal", "account_id": acme.id})
    second = cases.create({"title": "Password email never arrives", "account_id": acme.id})
    done = cases.create({"title": "Password reset worked", "account_id": acme.id})
    cases.resolve(done.id, done.version, resolution="Reset it.")
    first = cases.update(first.id, first.version, {"priority": "high"})  # touched last
    session.act_as(users.add("bob", "Bob Agent", "agent"))
    theirs = cases.create({"title": "Bob's password trouble", "account_id": acme.id})
    session.act_as(me)

    offered = kb.cases_to_link(article)
    assert [c["id"] for c in offered] == [first.id, second.id]
    assert offered[0]["number"] == "CAS-00001" and offered[0]["customer"] == "Acme"
    assert offered[0]["mine"] and offered[0]["status_reason"] == "in_progress"
    assert offered[0]["modified_at"] > offered[1]["modified_at"]

    # typing narrows the person's own, then finds any readable case, resolved too
    typed = kb.cases_to_link(article, "password")
    assert typed[0]["id"] == second.id
    assert {c["id"] for c in typed[1:]} == {done.id, theirs.id}
    assert [c["mine"] for c in typed] == [True, False, False]
    assert {c["owner"] for c in typed[1:]} == {me.full_name, "Bob Agent"}
    assert kb.cases_to_link(article, "CAS-00004")[0]["id"] == theirs.id
    assert kb.cases_to_link(article, "nothing like it") == []
    assert len(kb.cases_to_link(article, "password", limit=2)) == 2

    # each says whether the article is linked to it already
    kb.link_case(article, second.id)
    linked = {c["id"]: c["linked"] for c in kb.cases_to_link(article)}
    assert linked == {second.id: True, first.id: False}
