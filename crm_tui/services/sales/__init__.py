"""Sales: leads, opportunities, the product catalogue and price lists, competitors, and quotes, orders and invoices with their lines."""
