"""The house rules a reader relies on: no module of the app grows past 400 lines."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400


def test_no_module_of_the_app_exceeds_the_limit() -> None:
    sources = [*ROOT.joinpath("marketplace").rglob("*.py"), *ROOT.joinpath("workers").rglob("*.py")]
    assert sources, "the app's sources were not found"
    lengths = {path.relative_to(ROOT): len(path.read_text().splitlines()) for path in sources}
    too_long = {str(path): n for path, n in lengths.items() if n > LIMIT}
    assert too_long == {}, f"split these modules (over {LIMIT} lines): {too_long}"
