"""Rewrite scenarios/INDEX.md, the use-case index (scenarios/index.py)."""

from __future__ import annotations

from pathlib import Path

from scenarios.index import build_index

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "scenarios" / "INDEX.md"
    target.write_text(build_index(), encoding="utf-8")
    print(f"wrote {target}")
