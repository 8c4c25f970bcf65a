"""Leads, the pipeline, opportunities, quotes/orders/invoices, products, price lists and competitors."""
