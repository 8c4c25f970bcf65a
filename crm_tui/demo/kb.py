"""The demo's knowledge base: a subject tree and about forty articles
(data/demo_kb.json; FAQ, troubleshooting and how-to, several in Persian) in
every lifecycle state, written by the agents and reviewed by the manager,
linked to the demo cases they resolved, viewed and rated.

Everything goes through the services, acting as the people who would do it.
"""

from __future__ import annotations

import json
import random
from importlib import resources

from crm_tui.db import database
from crm_tui.demo.context import SeedContext
from crm_tui.services import session
from crm_tui.services.knowledge import kb

KB_SEED = 2718
# How many of the cases with an article's listed title it is linked to.
LINKS_PER_TITLE = 2


def load() -> dict:
    return json.loads(resources.files("crm_tui.data").joinpath("demo_kb.json").read_text("utf-8"))


def seed_kb(ctx: SeedContext) -> None:
    """Add the knowledge base to the demo being seeded in `ctx` (after its cases)."""
    data = load()
    rng = random.Random(KB_SEED)
    agents = [u for u in ctx.team if u.role == "agent"] or [ctx.admin]
    reviewer = next((u for u in ctx.team if u.role == "manager"), ctx.admin)
    readers = [u for u in ctx.team if u.active]
    for top, children in data["subjects"].items():
        kb.ensure_subject(top)
        for child in children:
            kb.ensure_subject(f"{top}/{child}")
    for index, spec in enumerate(data["articles"]):
        author = agents[index % len(agents)]
        session.act_as(author)
        row = kb.create(
            {
                "title": spec["title"],
                "keywords": spec["keywords"],
                "body": spec["body"],
                "language": spec["language"],
                "subject_id": kb.ensure_subject(spec["subject"]),
            }
        )
        state = spec["state"]
        if state == "draft":
            continue
        row = kb.submit(row.id, row.version)
        if state == "in_review":
            continue
        session.act_as(reviewer)
        row = kb.approve(row.id, row.version)
        if state == "approved":
            continue
        row = kb.publish(row.id, row.version)
        if state == "archived":
            kb.archive(row.id, row.version)
            continue
        _link_cases(row.id, spec.get("cases", []), author)
        kb.record_view(row.id, times=rng.randint(3, 180))
        for reader in rng.sample(readers, k=rng.randint(0, min(4, len(readers)))):
            session.act_as(reader)
            kb.rate(row.id, rng.choices([5, 4, 3, 2], [5, 4, 2, 1])[0])
    session.act_as(ctx.admin)


def _link_cases(article_id: int, titles: list[str], author) -> None:
    """Link the article to the resolved cases of these titles (it resolved them)."""
    session.act_as(author)
    for title in titles:
        found = database.execute_sql(
            "SELECT id FROM \"case\" WHERE title = ? AND state = 'resolved' ORDER BY id LIMIT ?",
            (title, LINKS_PER_TITLE),
        ).fetchall()
        for (case_id,) in found:
            kb.link_case(article_id, case_id)
