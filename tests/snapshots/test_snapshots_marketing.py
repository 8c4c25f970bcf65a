"""SVG snapshots of a campaign's page: its funnel in the summary, at 120x36
and 80x24, for a campaign stamped on fixed days (a list of four contacts,
one who wants no email, a call step distributed and half done, two
responses, one become a lead and a won deal).

Update with `pytest tests/snapshots/test_snapshots_marketing.py --snapshot-update`
after checking the differences in snapshot_report.html.
"""

from __future__ import annotations

import datetime as dt

import pytest
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.db import dict_rows
from crm_tui.models.base import stamped_by
from crm_tui.services.customers import activities, contacts
from crm_tui.services.marketing import (
    campaign_links,
    campaigns,
    distribution,
    list_members,
    lists,
    responses,
    steps,
)
from crm_tui.services.sales import leads, opportunities

BIG = (120, 36)
SMALL = (80, 24)
DAY = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)


def _campaign() -> int:
    with stamped_by(lambda: DAY):
        people = lists.create({"name": "Spring visitors", "member_type": "contact"})
        ids = [
            contacts.create({"last_name": name, "email": f"{name.lower()}@x.example",
                             "phone": "+442079460958", "do_not_phone": name == "Quiet"}).id
            for name in ("Ames", "Brook", "Cole", "Quiet")
        ]  # fmt: skip
        list_members.add(people.id, ids)
        campaign = campaigns.create({"name": "Spring fair 2021", "campaign_type": "event",
                                     "budget": "4000", "other_cost": "1500",
                                     "proposed_start": "2021-03-01", "proposed_end": "2021-03-31",
                                     "expected_response": "8"})  # fmt: skip
        campaign = campaigns.launch(campaign.id, campaign.version)
        campaign_links.add_list(campaign.id, people.id)
        call = steps.create(campaign.id, {"subject": "Thank-you call", "channel": "phone",
                                          "actual_cost": "500"})  # fmt: skip
        distribution.distribute(call.id)
        opened = dict_rows("SELECT id, version FROM activity WHERE state = 'open' ORDER BY id")
        for row in opened[:2]:
            activities.complete(row["id"], row["version"])
        first = responses.log(campaign.id, {"channel": "phone", "first_name": "Dana",
                                            "last_name": "Fox", "received_on": "2021-03-02"})  # fmt: skip
        responses.log(campaign.id, {"channel": "web", "last_name": "Gray",
                                    "received_on": "2021-03-03"})  # fmt: skip
        lead = responses.convert(first.id)
        deal = leads.qualify(lead.id, lead.version).opportunity_id
        won = opportunities.get(deal)
        opportunities.close_won(won.id, won.version, actual_revenue="12000",
                                close_date="2021-03-20")  # fmt: skip
    return campaign.id


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_campaign_funnel(db, snap_compare, size):
    campaign_id = _campaign()

    async def opened(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        await app.open_record("campaign", campaign_id)
        assert await wait_until(pilot, lambda: "Members reached" in screen_text(app))
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=opened, terminal_size=size)
