"""The demo's sales set-up: the users' teams, the competitors, the product
catalogue and its price lists (made about two hundred days ago), and the
retirement of the legacy product once its last deals were won.
"""

from __future__ import annotations

import datetime as dt

from crm_tui.demo.sales_context import SalesContext
from crm_tui.services import users
from crm_tui.services.sales import competitors, products

CATALOGUE_DAYS_AGO = 200  # products, price lists and competitors were set up then
LEGACY_RETIRED_DAYS_AGO = 45
TEAMS = {"admin": "Sales", "manager": "Sales", "sales": "Sales", "agent": "Support"}


def add_teams(sales: SalesContext) -> None:
    """Everyone joins their role's team."""
    sales.at(sales.past(CATALOGUE_DAYS_AGO + 10), sales.ctx.admin)
    for user in sales.ctx.team:
        users.set_team(user.login, TEAMS[user.role])


def add_competitors(sales: SalesContext) -> None:
    """The competitors of demo_sales.json, added by the manager a while ago."""
    manager = sales.manager()
    for index, spec in enumerate(sales.data["competitors"]):
        sales.at(sales.past(CATALOGUE_DAYS_AGO - index * 6), manager)
        sales.competitors.append(competitors.create(spec).id)


def add_catalogue(sales: SalesContext) -> None:
    """The products (activated unless drafts) and the price lists with their prices."""
    admin = sales.ctx.admin
    sales.at(sales.past(CATALOGUE_DAYS_AGO + 5), admin)
    for spec in sales.data["products"]:
        product = products.create(
            {
                "product_number": spec["number"],
                "name": spec["name"],
                "product_type": spec["type"],
                "unit": spec["unit"],
                "list_price": spec["list"],
                "cost": spec["cost"],
                "description": spec["description"],
            }
        )
        sales.products[spec["number"]] = product
    sales.at(sales.past(CATALOGUE_DAYS_AGO + 2), admin)
    for spec in sales.data["products"]:
        if spec.get("state") != "draft":
            product = sales.products[spec["number"]]
            sales.products[spec["number"]] = products.activate(product.id, product.version)
    begins = dt.date(sales.now.year, 1, 1)
    for spec in sales.data["price_lists"]:
        sales.at(sales.past(CATALOGUE_DAYS_AGO), sales.manager())
        price_list = products.create_price_list(
            {
                "name": spec["name"].format(year=sales.now.year),
                "begins_on": begins.isoformat(),
                "description": spec["description"],
            }
        )
        for item in sales.data["products"]:
            if item.get("state") != "draft":
                number = item["number"]
                products.set_item(price_list.id, sales.products[number].id, item[spec["price"]])
        sales.price_lists.append(price_list)


def retire_legacy(sales: SalesContext) -> None:
    """Retire the products demo_sales.json marks retired, after their last sales."""
    sales.at(sales.past(LEGACY_RETIRED_DAYS_AGO), sales.ctx.admin)
    for spec in sales.data["products"]:
        if spec.get("state") == "retired":
            product = products.get(sales.products[spec["number"]].id)
            products.retire(product.id, product.version)
