"""No product module grows past a size one person can hold in their head."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500


def _too_long() -> dict[str, int]:
    sizes = {}
    for folder in ("crm_tui", "screens"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                sizes[str(path.relative_to(ROOT))] = lines
    return sizes


def test_the_size_check_sees_the_product_files():
    # a wrong ROOT or glob would make the real check pass on nothing
    found = [p for folder in ("crm_tui", "screens") for p in (ROOT / folder).rglob("*.py")]
    assert len(found) > 50
    assert ROOT / "crm_tui" / "services" / "support" / "sla.py" in found


def test_no_product_file_exceeds_500_lines():
    assert _too_long() == {}, f"split these below {MAX_LINES} lines"
