"""The marketing area by keyboard: 9 opens the campaigns; a campaign is
launched, given a list and an email step, distributed with its progress on
the page, answered (a response logged and converted to a lead), and its
funnel read in the summary."""

from __future__ import annotations

from textual.widgets import TextArea
from ui_support import notes_text, screen_text, shown_record, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.marketing.campaign_detail import CampaignDetailScreen
from crm_tui.screens.marketing.campaigns_list import CampaignsScreen
from crm_tui.services.customers import contacts
from crm_tui.services.marketing import campaigns, list_members, lists, steps
from crm_tui.services.sales import leads

SIZE = (120, 36)


async def _form(pilot, key: str, **values) -> None:
    """Press `key`, fill its form modal (text fields, selects, text areas;
    a lookup is typed and its first match taken) and save."""
    await pilot.press(key)
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, FormModal))
    form = pilot.app.screen.form
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value
        await pilot.pause(0.1)
    await pilot.press("ctrl+s")


async def test_launch_target_distribute_respond_and_read_the_funnel(db):
    lst = lists.create({"name": "Customers", "member_type": "contact"})
    ids = [
        contacts.create({"last_name": name, "email": f"{name.lower()}@x.example",
                         "do_not_email": name == "Quiet"}).id
        for name in ("Ana", "Bo", "Quiet")
    ]  # fmt: skip
    list_members.add(lst.id, ids)
    campaign = campaigns.create({"name": "Nowruz", "other_cost": "300"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CampaignsScreen))
        assert await wait_until(pilot, lambda: "Nowruz" in screen_text(app))
        screen = await shown_record(pilot, "campaign", campaign.id)
        assert isinstance(screen, CampaignDetailScreen)
        assert "Proposed" in screen_text(app) and "Launch" in screen_text(app)

        await pilot.press("L")
        assert await wait_until(pilot, lambda: campaigns.get(campaign.id).state == "launched")
        assert await wait_until(pilot, lambda: "Launched" in screen_text(app))

        await _form(pilot, "l", list_id="Custom")
        await pilot.pause(0.3)
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FormModal))

        await _form(pilot, "s", subject="Greetings", message_subject="Hello {last_name}",
                    message_body="Happy **Nowruz**, {last_name}!")  # fmt: skip
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FormModal))
        assert [s["subject"] for s in steps.of_campaign(campaign.id)] == ["Greetings"]

        await pilot.press("right_square_bracket")  # the Steps tab
        await pilot.pause(0.2)
        await pilot.press("t")
        assert await wait_until(pilot, lambda: "2 activities made, 1 members suppressed"
                                in notes_text(app), timeout=5)  # fmt: skip
        assert await wait_until(pilot, lambda: "Greetings" in screen_text(app))
        row = steps.of_campaign(campaign.id)[0]
        assert (row["created"], row["suppressed"], row["queued"]) == (2, 1, 2)

        await _form(pilot, "r", last_name="Karimi", email="karimi@x.example")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FormModal))
        for _ in range(2):
            await pilot.press("right_square_bracket")
            await pilot.pause(0.1)
        assert await wait_until(pilot, lambda: "Karimi" in screen_text(app))
        await _form(pilot, "Q")
        assert await wait_until(pilot, lambda: leads.find_by_name("Karimi") != [])
        lead = leads.get(leads.find_by_name("Karimi")[0]["id"])
        assert lead.campaign_id == campaign.id

        for _ in range(3):
            await pilot.press("left_square_bracket")
            await pilot.pause(0.1)
        assert await wait_until(pilot, lambda: "Members reached    3" in screen_text(app))
        text = screen_text(app)
        assert "1 left out (their wish)" in text and "1 → 0 opportunities" in text
        assert "Cost per lead      300.00" in text


async def test_an_email_is_written_and_sent_from_the_activity_modal(db):
    from crm_tui.db import dict_rows
    from crm_tui.screens.customers.activity_modal import ActivityModal

    ana = contacts.create({"first_name": "Ana", "last_name": "Díaz", "email": "ana@x.example"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await shown_record(pilot, "contact", ana.id)
        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ActivityModal))
        # a call is not sent: the modal says so and keeps it
        await pilot.press("c", *"Call", "ctrl+g")
        assert await wait_until(pilot, lambda: "Only an email is sent" in screen_text(app))
        assert isinstance(app.screen, ActivityModal)
        await pilot.press("escape")
        await pilot.pause(0.2)
        if not isinstance(app.screen, type(detail)):
            await pilot.press("y")  # leave what was typed
        assert await wait_until(pilot, lambda: app.screen is detail)
        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ActivityModal))
        await pilot.press("e", *"Your quote", "ctrl+g")
        assert await wait_until(pilot, lambda: app.screen is detail)
        assert await wait_until(pilot, lambda: "Email queued" in notes_text(app))
    (message,) = dict_rows("SELECT to_address, subject, state FROM mail_message")
    assert message == {"to_address": "ana@x.example", "subject": "Your quote", "state": "queued"}


async def test_literature_goes_with_an_email_step_from_the_offer_tab(db):
    from crm_tui.services.marketing import literature

    campaign = campaigns.create({"name": "Brochure drop"})
    step = steps.create(campaign.id, {"subject": "Brochure", "channel": "email",
                                      "message_body": "Hi {first_name}"})  # fmt: skip
    literature.create({"title": "Spec sheet"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await shown_record(pilot, "campaign", campaign.id)
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: bool(app.screen.query("#field-with")))
        form = app.screen.form
        form.query_one("#field-literature_id").focus()
        await pilot.press(*"Spec")
        assert await wait_until(pilot, lambda: "→ Spec sheet" in screen_text(app))
        form.query_one("#field-with").value = step.id
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FormModal))
        assert [r["title"] for r in literature.attached("campaign_activity", step.id)] == [
            "Spec sheet"
        ]
        app.screen.switch_tab("offer")
        assert await wait_until(pilot, lambda: "with Brochure" in screen_text(app))
        await pilot.press("minus")
        await pilot.press("y")
        assert await wait_until(
            pilot, lambda: not literature.attached("campaign_activity", step.id)
        )
