"""crm-tui: a keyboard-driven terminal CRM modelled on Microsoft Dynamics CRM."""

__version__ = "0.1.0"

from crm_tui import driver_import

driver_import.install()
