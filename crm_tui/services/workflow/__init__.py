"""Workflow: rules that act when records change or when a date comes.

A rule (spec) watches one record kind (kinds); checked against the metadata
(check), it is kept by admins (rules) and read by every write (index). A
write's audited changes are seen as they are made (watch): real-time rules
run in that write (engine, actions, assign), background ones are queued;
scheduled ones are found by the runner (schedule, offsets) and queued once
per record and date; the runner (runner) runs the queue (jobs). Every run
is recorded (runs); a rule can be tried on existing records first (dry_run),
and kept as TOML (toml_io)."""
