"""Demo data set and sample data shipped with crm-tui (installed as crm_tui.data)."""
