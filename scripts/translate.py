"""Fill German translations into locale/de/LC_MESSAGES/*.po from a JSON file of {msgid: msgstr}.

Usage: python scripts/translate.py translations.json   (then `manage.py compilemessages`)
A convenience for developers; the .po files stay the source of truth.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(path: str) -> None:
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    for po_path in (ROOT / "locale" / "de" / "LC_MESSAGES").glob("*.po"):
        catalogue = polib.pofile(str(po_path))
        changed = 0
        for entry in catalogue:
            if entry.msgid in wanted:
                value = wanted[entry.msgid]
                if entry.msgid_plural and isinstance(value, list):
                    entry.msgstr_plural = dict(enumerate(value))
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                changed += 1
        catalogue.save()
        missing = [e.msgid for e in catalogue if not e.translated() and not e.obsolete]
        print(f"{po_path.name}: {changed} set, {len(missing)} untranslated")
        for msgid in missing:
            print("  missing:", msgid[:80])


if __name__ == "__main__":
    main(sys.argv[1])
