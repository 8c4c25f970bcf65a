"""What every area's screens share: list, detail and form bases, modals, and the one path from a key to a service."""
