"""The dashboard (area 0) and reports: tiles, the reports list, a report's
table and chart, the records behind a number, and choosing tiles."""
