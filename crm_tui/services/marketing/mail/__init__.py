"""Email that is really sent: message templates with a member's fields
(templates), each message composed with its headers (compose), the queue
of messages with one row per recipient (queue), and the one sender of a
database that hands them to the company's SMTP server (sender, with its
settings in config.toml's [mail] table: settings)."""
