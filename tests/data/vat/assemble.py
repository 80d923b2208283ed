"""Assembles a golden НАП file from its hand-written field list (*.fields, UTF-8).

Each line of a .fields file is `CODE|content|`: the field's characters exactly as they stand in
the file, padding included, typed from the field tables in docs/nap-format.md. A blank line ends a
record. This script only checks each content's width against the widths below (copied from the
same tables, independently of services/vat) and joins: it formats nothing. Records end with
CR LF (VIES.TXT: CR LF between records only), encoded windows-1251.

    python tests/data/vat/assemble.py tests/data/vat/202511   # writes the .TXT files
"""

import sys
from pathlib import Path

# docs/nap-format.md: DEKLAR.TXT, the ledgers, VIES.TXT.
WIDTHS = {
    "DEKLAR": [15, 50, 6, 50, 15, 15] + [15] * 21 + [4] + [15] * 8,
    "POKUPKI": [15, 6, 4, 15, 2, 20, 10, 15, 50, 30] + [15] * 7 + [2],
    "PRODAGBI": [15, 6, 4, 15, 2, 20, 10, 15, 50, 30] + [15] * 17 + [2],
    "VHR": [3, 7, 5],
    "VDR": [3, 15, 150, 50, 4, 150, 1],
    "VTR": [3, 15, 150, 200],
    "TTR": [3, 12, 12],
    "VIR": [3, 5, 15, 12, 12, 12, 7],
    "CHR": [3, 5],
}


def records(path: Path) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            if current:
                out.append(current)
            current = []
            continue
        code, content, end = line.split("|", 1)[0], line.split("|", 1)[1][:-1], line[-1]
        if end != "|":
            raise SystemExit(f"{path}:{number}: a field line ends with '|'")
        current.append((code, content))
    if current:
        out.append(current)
    return out


def assemble(path: Path) -> bytes:
    kind = path.stem
    lines = []
    for record in records(path):
        layout = record[0][1] if kind == "VIES" else kind
        widths = WIDTHS[layout]
        if len(record) != len(widths):
            raise SystemExit(f"{path}: a {layout} record has {len(widths)} fields, not {len(record)}")
        for (code, content), width in zip(record, widths, strict=True):
            if len(content) != width:
                raise SystemExit(f"{path}: field {code} is {len(content)} characters, the table says {width}: {content!r}")
        lines.append("".join(content for _, content in record))
    if kind == "VIES":
        return "\r\n".join(lines).encode("cp1251")
    return "".join(line + "\r\n" for line in lines).encode("cp1251")


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    for source in sorted(folder.glob("*.fields")):
        (folder / f"{source.stem}.TXT").write_bytes(assemble(source))
        print("wrote", folder / f"{source.stem}.TXT")  # noqa: T201 - command-line tool
