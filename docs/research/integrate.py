"""Turn research drafts into data/fr records: classifications made explicit, sources dated, blocks sorted by kind.

usage: integrate.py OUTDIR draft.ttl...   (writes OUTDIR/{kind}.blocks.ttl fragments and OUTDIR/sources.txt)
"""
import re
import sys
from pathlib import Path

READ_ON = "2026-12-06"
KIND = {
    "tsc:Project": "projects", "tsc:NationalCommitment": "commitments", "tsc:InternationalCommitment": "commitments",
    "tsc:GoodPractice": "practices", "tsc:LessonLearnt": "practices", "tsc:Actor": "actors",
    "tsc:CooperationOffer": "bio-bridge", "tsc:CooperationRequest": "bio-bridge", "tsc:Partnership": "partnerships",
    "tsc:Twinning": "partnerships",
}
SUBJECT = re.compile(r"^([a-z]+:[A-Za-z0-9_.-]+) a ([a-z]+:[A-Za-z]+)")
ASSIGNED = re.compile(r"^(\s+)tscr:assigned(Target|Article) (.+?) ([;.])\s*$")
SOURCE_IRI = re.compile(r"<(https?://[^>\s]+)>")


def blocks(text: str):
    """(comment lines, record lines) for each record of a draft (prefix lines skipped)."""
    comments, record = [], []
    for line in text.splitlines():
        if not record:
            if line.startswith("@prefix") or not line.strip():
                if not line.strip():
                    comments = [] if not comments else comments
                continue
            if line.startswith("#"):
                comments.append(line)
                continue
            record.append(line)
        else:
            record.append(line)
        if record and re.search(r"\s\.\s*(#.*)?$", line) and not line.lstrip().startswith("#"):
            yield comments, record
            comments, record = [], []
    if record:
        raise SystemExit(f"unterminated record: {record[0]}")


def transform(record: list[str]) -> list[str]:
    out, assigned, at = [], [], None
    for line in record:
        m = ASSIGNED.match(line)
        if m:
            indent, what, values, end = m.groups()
            prop = "tsc:contributesTo" if what == "Target" else "tsc:implementsArticle"
            if at is None:
                at = len(out)
            out.append(f"{indent}{prop} {values} ;")
            assigned += [v.strip() for v in values.split(",")]
            if end == ".":
                raise SystemExit(f"assigned line ends the record: {record[0]}")
            continue
        out.append(line)
    if assigned:
        out.insert(at + 1 + sum(1 for l in out[at + 1:] if False),  # right after the assigned lines
                   f"    tsc:classification [ a tsc:Classification ; tsc:classifiedAs {' , '.join(assigned)} ;\n"
                   f"        tsc:classificationRule rule:subject-of-source ; prov:wasAttributedTo node:fr ;\n"
                   f"        prov:generatedAtTime \"{READ_ON}\"^^xsd:date ] ;")
    # checked on: before the evidence line
    for i, line in enumerate(out):
        if line.strip().startswith("tsc:evidence evidence:public-source"):
            out.insert(i, f'    tsc:checkedOn "{READ_ON}"^^xsd:date ;')
            break
    return out


def main():
    outdir = Path(sys.argv[1])
    outdir.mkdir(exist_ok=True)
    parts: dict[str, list[str]] = {}
    sources: set[str] = set()
    for name in sys.argv[2:]:
        text = Path(name).read_text()
        for comments, record in blocks(text):
            m = SUBJECT.match(record[0])
            if not m:
                raise SystemExit(f"{name}: no subject in {record[0]!r}")
            kind = KIND.get(m.group(2))
            if kind is None:
                raise SystemExit(f"{name}: unknown class {m.group(2)}")
            body = transform(record)
            for line in body:
                if "dcterms:source" in line or (line.startswith("        <") and sources):
                    sources.update(SOURCE_IRI.findall(line))
            parts.setdefault(kind, []).append("\n".join(comments + body))
    for kind, items in parts.items():
        (outdir / f"{kind}.blocks.ttl").write_text("\n\n".join(items) + "\n")
    (outdir / "sources.txt").write_text("\n".join(sorted(sources)) + "\n")
    print({k: len(v) for k, v in parts.items()}, len(sources), "sources")


main()
