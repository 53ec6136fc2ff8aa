"""The Vietnamese catalogue is complete, keeps every placeholder, and compiles.

These tests read files only; they do not need the app. Extraction uses the same
mapping (babel.cfg) and keywords as the project's ``pybabel extract`` command, so
a new string in the code or templates that nobody translated fails here.
"""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "marketplace" / "translations"
VI_PO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"
# Besides Babel's defaults (_, gettext, ngettext…), as in `make messages`.
EXTRA_KEYWORDS = ("_l", "lazy_gettext", "N_")
# A named printf placeholder such as %(min)d, %(sku)s or %(price).2f.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")


def load_po(path: Path, locale: str) -> Catalog:
    """A catalogue read strictly: a malformed line raises instead of being skipped."""
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale, abort_invalid=True)


def extract_template(destination: Path) -> Catalog:
    """Run ``pybabel extract`` over the project, as a developer would, into ``destination``."""
    keywords = [arg for keyword in EXTRA_KEYWORDS for arg in ("-k", keyword)]
    command = [
        sys.executable,
        "-m",
        "babel.messages.frontend",
        "--quiet",
        "extract",
        "-F",
        "babel.cfg",
        *keywords,
        "-o",
        str(destination),
        "--no-location",
        "--sort-output",
        "--project",
        "marketplace",
        ".",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    with destination.open("rb") as pot_file:
        return read_po(pot_file)


def msgid_text(message: Message) -> str:
    """The msgid as it appears in the code (singular | plural for ngettext)."""
    if isinstance(message.id, tuple | list):
        return " | ".join(message.id)
    return str(message.id)


def translations(message: Message) -> list[str]:
    """Every msgstr of a message (one per plural form)."""
    if isinstance(message.string, tuple | list):
        return list(message.string)
    return [message.string or ""]


def placeholders(texts: list[str]) -> set[str]:
    return {match.group() for text in texts for match in PLACEHOLDER.finditer(text)}


def describe(msgids: list[str]) -> str:
    return "\n".join(f"  - {msgid!r}" for msgid in msgids)


class TestCatalogues:
    def test_every_extracted_string_has_a_vietnamese_translation(self, tmp_path: Path) -> None:
        template = extract_template(tmp_path / "messages.pot")
        vietnamese = load_po(VI_PO, "vi")
        extracted = [message for message in template if message.id]
        assert extracted, "extraction found no messages; is babel.cfg still right?"

        missing: list[str] = []
        for message in extracted:
            entry = vietnamese.get(message.id)
            if (
                entry is None
                or entry.fuzzy
                or not all(text.strip() for text in translations(entry))
            ):
                missing.append(msgid_text(message))

        assert not missing, (
            f"{len(missing)} msgid(s) have no Vietnamese translation (missing, empty or "
            f"fuzzy) in {VI_PO}. Run pybabel extract/update and "
            f"translate them:\n{describe(missing)}"
        )

    def test_vietnamese_translations_keep_the_placeholders(self) -> None:
        vietnamese = load_po(VI_PO, "vi")
        wrong: list[str] = []
        for message in vietnamese:
            if not message.id or not message.string:
                continue
            ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
            expected = placeholders(ids)
            for text in translations(message):
                found = placeholders([text])
                if found != expected:
                    wrong.append(
                        f"{msgid_text(message)} -> {text!r}: "
                        f"expected {sorted(expected)}, found {sorted(found)}"
                    )
        assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(
            f"  - {line}" for line in wrong
        )

    def test_vietnamese_has_a_single_plural_form(self) -> None:
        vietnamese = load_po(VI_PO, "vi")
        assert vietnamese.plural_forms == "nplurals=1; plural=0;"
        plurals = [message for message in vietnamese if message.id and message.pluralizable]
        assert all(len(translations(message)) == 1 for message in plurals)

    @pytest.mark.parametrize("locale", ["vi", "en"])
    def test_catalogue_compiles(self, tmp_path: Path, locale: str) -> None:
        catalog = load_po(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
        problems = [
            f"{msgid_text(message)}: {error}"
            for message, errors in catalog.check()
            for error in errors
        ]
        assert not problems, "catalogue check failed:\n" + "\n".join(problems)

        mo_path = tmp_path / "messages.mo"
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        with mo_path.open("rb") as mo_file:
            compiled = gettext.GNUTranslations(mo_file)

        save, products = {
            "vi": ("Lưu", "%(num)d sản phẩm"),
            "en": ("Save", "%(num)d products"),
        }[locale]
        assert compiled.gettext("Save") == save
        assert compiled.ngettext("%(num)d product", "%(num)d products", 2) == products
