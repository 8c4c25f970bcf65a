"""`crm-tui fields`: custom fields from the command line, for admins who
keep their customisation in scripts."""

from __future__ import annotations

from crm_tui.text import clean


def run(args) -> int:
    """List, add, edit, remove, restore or purge custom fields."""
    from crm_tui.services import custom_fields

    action = args.fields_command or "list"
    if action == "list":
        shown = custom_fields.fields(args.kind if "kind" in args else None,
                                     removed=getattr(args, "removed", False))  # fmt: skip
        if not shown:
            print("no custom fields; crm-tui fields add KIND NAME --type TYPE adds one")
        for field in shown:
            print(_line(field))
        return 0
    if action == "add":
        field = custom_fields.add(
            args.kind, args.name, args.type, label=args.label or "", options=args.options or (),
            target=args.target, required=args.required, searchable=args.searchable,
        )  # fmt: skip
        print(f"added {_line(field)}")
        return 0
    field = custom_fields.by_name(args.kind, args.name)
    if action == "edit":
        flags = {
            name: getattr(args, name) == "yes"
            for name in ("required", "searchable")
            if getattr(args, name) is not None
        }
        field = custom_fields.update(
            field.id, field.version, label=args.label, options=args.options, **flags
        )
        print(f"changed {_line(field)}")
    elif action == "remove":
        custom_fields.remove(field.id, field.version)
        print(f"removed {field.kind}.{field.name}; its values are kept (restore or purge it)")
    elif action == "restore":
        custom_fields.restore(field.id, field.version)
        print(f"restored {field.kind}.{field.name}")
    else:
        custom_fields.purge(field.id, field.version, confirm=args.confirm)
        print(f"purged {field.kind}.{field.name}: its column and values are gone")
    return 0


def _line(field) -> str:
    from crm_tui.services.custom_fields import TYPE_LABELS

    kind = TYPE_LABELS[field.type] + (f" of {field.target}" if field.target else "")
    flags = [f for f, on in (("required", field.required), ("searchable", field.searchable),
                             ("removed", field.removed)) if on]  # fmt: skip
    options = ": " + ", ".join(o.label for o in field.options) if field.options else ""
    tail = f" ({', '.join(flags)})" if flags else ""
    return clean(f"{field.kind}.{field.name}  {field.label!r}  {kind}{options}{tail}")
