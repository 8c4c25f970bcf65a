"""The dashboard (area 0): its tiles (tiles.py), the dashboards people
keep and share (boards.py), and the sales targets won revenue is held
against (targets.py)."""
