"""Help keep the English catalogue complete (French is the source language).

    python scripts/po.py todo                 # list untranslated or fuzzy English entries as JSON
    python scripts/po.py apply FILE.json      # fill them from {"msgid": "msgstr"} (or, for plurals,
                                              #   {"msgid": ["singular", "plural"]}), drop fuzzy
    python scripts/po.py check                # exit 1 while an English entry is missing
    python scripts/po.py french-plurals       # copy the French source into the French
                                              #   catalogue's empty plural entries

Then `make messages` compiles the .mo files. A tiny reader/writer for the subset of the PO
format that makemessages writes, so no extra dependency is needed.
"""

import json
import re
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "passerelles/locale"
PO = LOCALE / "en/LC_MESSAGES/django.po"
FRENCH_PO = LOCALE / "fr/LC_MESSAGES/django.po"
FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def parse(text: str) -> list[dict]:
    """Entries as {"comments": [...], "fields": {name: value}, "order": [names]}."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        entry = {"comments": [], "fields": {}, "order": []}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                entry["comments"].append(line)
            elif match := FIELD.match(line):
                current = match.group(1)
                entry["order"].append(current)
                entry["fields"][current] = unquote(match.group(2))
            elif line.startswith('"') and current:
                entry["fields"][current] += unquote(line[1:-1])
        entries.append(entry)
    return entries


def render(entries: list[dict]) -> str:
    blocks = []
    for entry in entries:
        lines = list(entry["comments"])
        for name in entry["order"]:
            value = entry["fields"][name]
            if "\n" in value[:-1]:
                # Multi-line strings: one quoted piece per line, as gettext writes them.
                pieces = re.findall(r"[^\n]*\n|[^\n]+$", value)
                lines.append(f'{name} ""')
                lines.extend(quote(piece) for piece in pieces)
            else:
                lines.append(f"{name} {quote(value)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def is_fuzzy(entry: dict) -> bool:
    return any(c.startswith("#,") and "fuzzy" in c for c in entry["comments"])


def missing(entries: list[dict]) -> list[dict]:
    todo = []
    for entry in entries[1:]:  # the first entry is the header
        strs = [v for k, v in entry["fields"].items() if k.startswith("msgstr")]
        if is_fuzzy(entry) or not all(strs):
            todo.append(entry)
    return todo


def french_plurals() -> int:
    """An untranslated plural falls back to its msgid/msgid_plural under gettext's English rule
    (n != 1): in French "0 rencontres déplacées" instead of "0 rencontre déplacée" (French takes
    the singular for 0 and 1, plural=(n > 1) in the catalogue's header). Copying the source forms
    into the French catalogue makes its own rule apply; singular messages need nothing."""
    entries = parse(FRENCH_PO.read_text(encoding="utf-8"))
    filled = 0
    for entry in entries[1:]:
        fields = entry["fields"]
        if "msgid_plural" in fields and not (fields.get("msgstr[0]") or fields.get("msgstr[1]")):
            fields["msgstr[0]"], fields["msgstr[1]"] = fields["msgid"], fields["msgid_plural"]
            filled += 1
    FRENCH_PO.write_text(render(entries), encoding="utf-8")
    print(f"{filled} French plural entries filled from the source")
    return 0


def main(argv: list[str]) -> int:
    entries = parse(PO.read_text(encoding="utf-8"))
    command = argv[1] if len(argv) > 1 else "todo"
    if command == "french-plurals":
        return french_plurals()
    if command == "todo":
        todo = {e["fields"]["msgid"]: e["fields"].get("msgid_plural") for e in missing(entries)}
        print(json.dumps(todo, ensure_ascii=False, indent=1))
    elif command == "check":
        todo = missing(entries)
        for entry in todo:
            print(f"untranslated: {entry['fields']['msgid']!r}", file=sys.stderr)
        return 1 if todo else 0
    elif command == "apply":
        translations = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        for entry in missing(entries):
            value = translations.get(entry["fields"]["msgid"])
            if not value:
                continue
            if "msgid_plural" in entry["fields"]:
                singular, plural = value if isinstance(value, list) else (value, value)
                entry["fields"]["msgstr[0]"], entry["fields"]["msgstr[1]"] = singular, plural
            else:
                entry["fields"]["msgstr"] = value
            entry["comments"] = [
                c
                for c in (
                    re.sub(r",? fuzzy", "", c) if c.startswith("#,") else c
                    for c in entry["comments"]
                )
                if c.strip() != "#,"
            ]
        PO.write_text(render(entries), encoding="utf-8")
        print(f"{len(missing(entries))} English entries still missing")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
