"""The product's code stays in feature packages: no folder grows into the app that holds everything."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("config", "meetings", "hubspot_login", "hubspot_api", "hubspot_sandbox")
LIMIT = 0.30


def python_lines(folder: Path, *, deep: bool) -> int:
    files = folder.rglob("*.py") if deep else folder.glob("*.py")
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in files if "migrations" not in path.parts)


def test_no_folder_holds_more_than_thirty_percent_of_the_products_lines():
    total = sum(python_lines(ROOT / package, deep=True) for package in PRODUCT)
    folders = {path for package in PRODUCT for path in [ROOT / package, *(ROOT / package).rglob("*")]
               if path.is_dir() and "__pycache__" not in path.parts}

    shares = {str(folder.relative_to(ROOT)): python_lines(folder, deep=False) / total for folder in folders}

    assert total > 5000  # the product, not an empty checkout
    assert {folder: round(share, 2) for folder, share in shares.items() if share > LIMIT} == {}
