"""Responses logged, converted to leads or linked to existing ones; the
leads' opportunities carry the campaign; the funnel and its return,
counted in SQL, against figures worked out by hand; sales literature with
its files, found by their words and sent with email."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crm_tui.db import database, dict_rows
from crm_tui.errors import DomainError, ValidationError
from crm_tui.services.customers import activities, contacts
from crm_tui.services.marketing import (
    campaign_links,
    campaigns,
    distribution,
    funnel,
    list_members,
    lists,
    literature,
    literature_items,
    responses,
    steps,
)
from crm_tui.services.sales import leads, opportunities


def launched(**data):
    campaign = campaigns.create({"name": "Expo 2027", **data})
    return campaigns.launch(campaign.id, campaign.version)


def test_a_response_becomes_a_lead_that_remembers_its_campaign(db):
    campaign = launched()
    response = responses.log(
        campaign.id,
        {"channel": "web", "first_name": "Leila", "last_name": "Ahmadi",
         "company_name": "Parsian Co", "email": "leila@parsian.example", "received_on": "-1d"},
    )  # fmt: skip
    assert (response.kind, response.regarding_type, response.state) == (
        "campaign_response", "campaign", "open",
    )  # fmt: skip
    lead = responses.convert(response.id)
    assert (lead.full_name, lead.company_name, lead.campaign_id) == (
        "Leila Ahmadi", "Parsian Co", campaign.id,
    )  # fmt: skip
    assert lead.topic == "Expo 2027"
    assert activities.get(response.id).state == "completed"
    with pytest.raises(DomainError, match="converted already"):
        responses.convert(response.id)
    qualified = leads.qualify(lead.id, lead.version, create_opportunity=True)
    deal = opportunities.get(qualified.opportunity_id)
    assert deal.campaign_id == campaign.id
    rows = responses.of_campaign(campaign.id)
    assert [(r["who"], r["channel"], r["lead_id"]) for r in rows] == [
        ("Leila Ahmadi", "web", lead.id)
    ]


def test_a_response_is_linked_to_the_lead_or_contact_it_looks_like(db):
    campaign = launched()
    existing = leads.create({"last_name": "Karimi", "email": "k@x.example"})
    response = responses.log(
        campaign.id, {"channel": "email", "last_name": "K", "email": "K@x.example"}
    )
    found = responses.similar(response.id)
    assert [r["id"] for r in found.leads] == [existing.id]
    linked = responses.link_lead(response.id, existing.id)
    assert linked.campaign_id == campaign.id
    contact = contacts.create({"last_name": "Navid", "email": "navid@x.example"})
    other = responses.log(campaign.id, {"channel": "phone", "email": "navid@x.example"})
    assert [c["id"] for c in responses.similar(other.id).matches.contacts] == [contact.id]
    responses.link_contact(other.id, contact.id)
    assert activities.get(other.id).state == "completed"
    with pytest.raises(ValidationError, match="say who responded"):
        responses.log(campaign.id, {"channel": "phone"})
    with pytest.raises(ValidationError, match="not one of"):
        responses.log(campaign.id, {"channel": "pigeon", "last_name": "x"})


def test_the_funnel_adds_up_to_figures_worked_out_by_hand(db):
    # 5 contacts on the list: 1 refuses email, 4 are sent the email step
    # (1 of them fails at the server), the phone step goes to all 5 (none
    # refuse calls) and 2 calls are made. 3 responses, 2 leads, 2 deals,
    # 1 won for 12,000.00. Costs: 500.00 miscellaneous + 1,000.00 + 300.00.
    campaign = launched(other_cost="500", budget="2500")
    lst = lists.create({"name": "Five", "member_type": "contact"})
    ids = [
        contacts.create({"last_name": f"C{i}", "email": f"c{i}@x.example", "phone": "+982155551234",
                         "do_not_email": i == 0}).id
        for i in range(5)
    ]  # fmt: skip
    list_members.add(lst.id, ids)
    campaign_links.add_list(campaign.id, lst.id)
    email = steps.create(campaign.id, {"subject": "Mail", "channel": "email", "message_body": "Hi",
                                       "actual_cost": "1000"})  # fmt: skip
    call = steps.create(campaign.id, {"subject": "Call", "channel": "phone", "actual_cost": "300"})
    distribution.distribute(email.id)
    distribution.distribute(call.id)
    # three emails were sent (as the sender completes them), one failed
    mail = dict_rows("SELECT id, activity_id FROM mail_message ORDER BY id")
    for message in mail[:3]:
        database.execute_sql(
            "UPDATE mail_message SET state = 'sent' WHERE id = ?", (message["id"],)
        )
        database.execute_sql("UPDATE activity SET state = 'completed' WHERE id = ?",
                             (message["activity_id"],))  # fmt: skip
    database.execute_sql("UPDATE mail_message SET state = 'failed' WHERE id = ?", (mail[3]["id"],))
    calls = dict_rows("SELECT id, version FROM activity WHERE kind = 'phone_call' ORDER BY id")
    for row in calls[:2]:
        activities.complete(row["id"], row["version"])
    first = responses.log(campaign.id, {"channel": "email", "last_name": "R1"})
    second = responses.log(campaign.id, {"channel": "phone", "last_name": "R2"})
    responses.log(campaign.id, {"channel": "web", "last_name": "R3"})
    won, lost = (responses.convert(r.id) for r in (first, second))
    for lead, close in ((won, "won"), (lost, "lost")):
        deal = opportunities.get(leads.qualify(lead.id, lead.version,
                                               create_opportunity=True).opportunity_id)  # fmt: skip
        if close == "won":
            opportunities.close_won(deal.id, deal.version, actual_revenue="12000")
        else:
            opportunities.close_lost(deal.id, deal.version, reason="canceled")
    figures = funnel.of(campaign.id)
    assert (figures.targeted, figures.activities, figures.done) == (5, 9, 5)
    assert (figures.failed, figures.suppressed, figures.responses) == (1, 1, 3)
    assert (figures.leads, figures.opportunities, figures.won) == (2, 2, 1)
    assert figures.won_revenue == Decimal("12000.00")
    assert figures.cost == Decimal("1800.00") and figures.budget == Decimal("2500.00")
    assert figures.cost_per_lead == Decimal("900.00")
    # (12000 - 1800) / 1800 = 566.67 %
    assert figures.roi_percent == Decimal("566.7")


def test_an_empty_campaign_has_no_ratio_to_divide_by_zero(db):
    figures = funnel.of(launched().id)
    assert (figures.targeted, figures.cost, figures.cost_per_lead, figures.roi_percent) == (
        0, Decimal("0.00"), None, None,
    )  # fmt: skip


def test_literature_is_found_by_the_words_of_its_files(db, tmp_path):
    brochure = literature.create(
        {"title": "Widget brochure", "literature_type": "brochure", "keywords": "widgets, spring"}
    )
    literature_items.add(brochure.id, ("notes.md", b"# Gearbox\nThe quietest gearbox we make."))
    literature_items.add(brochure.id, ("photo.png", b"\x89PNG\r\n\x1a\n....."), title="Photo")
    items = literature_items.items_of(brochure.id)
    assert [(i["file_name"], i["has_text"]) for i in items] == [("notes.md", 1), ("photo.png", 0)]
    assert [r["title"] for r in literature.find_by_name("gearbox")] == ["Widget brochure"]
    assert [r["title"] for r in literature.find_by_name("spring")] == ["Widget brochure"]
    saved = literature_items.save(items[0]["id"], tmp_path)
    assert saved.read_bytes().startswith(b"# Gearbox")
    with pytest.raises(ValidationError, match="exists"):
        literature_items.save(items[0]["id"], tmp_path)
    literature_items.remove(items[0]["id"])
    assert literature.find_by_name("gearbox") == []
    db_settings = __import__("crm_tui.services.session", fromlist=["x"]).settings()
    db_settings.attachment_max_bytes = 10
    with pytest.raises(ValidationError, match="limited"):
        literature_items.add(brochure.id, ("big.txt", b"x" * 11))


def test_a_pdf_files_words_are_read(db):
    pdf = _pdf("Quarterly price sheet for turbines")
    sheet = literature.create({"title": "Prices", "literature_type": "price_sheet"})
    literature_items.add(sheet.id, ("prices.pdf", pdf))
    assert [r["title"] for r in literature.find_by_name("turbines")] == ["Prices"]


def test_literature_is_attached_to_a_campaign_and_about_products(db):
    from crm_tui.services.sales import products

    campaign = launched()
    sheet = literature.create({"title": "Spec"})
    product = products.create({"product_number": "W-1", "name": "Widget", "list_price": "5"})
    literature.link_about(sheet.id, "product", product.id)
    assert [(r["kind"], r["name"]) for r in literature.about(sheet.id)] == [("product", "Widget")]
    literature.attach(sheet.id, "campaign", campaign.id)
    with pytest.raises(DomainError, match="already attached"):
        literature.attach(sheet.id, "campaign", campaign.id)
    assert [r["title"] for r in literature.attached("campaign", campaign.id)] == ["Spec"]
    copy = campaign_links.copy(campaign.id, as_template=True)
    assert [r["title"] for r in literature.attached("campaign", copy.id)] == ["Spec"]
    literature.detach(sheet.id, "campaign", campaign.id)
    assert literature.attached("campaign", campaign.id) == []


def _pdf(words: str) -> bytes:
    """A one-page PDF holding `words` (built by hand: the smallest valid one)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
