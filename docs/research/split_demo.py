"""Move every illustrative record of data/fr into data/demo/demo.ttl (one demonstration graph)."""
import re, sys
from pathlib import Path
sys.path.insert(0, "/work/research")
fr = Path("data/fr")
prefixes: dict[str, str] = {}
moved: list[str] = []
keep_subjects = set(sys.argv[1:])
for f in sorted(fr.glob("*.ttl")):
    text = f.read_text()
    lines = text.splitlines()
    out, block, pending = [], [], []
    i = 0
    for line in lines:
        if line.startswith("@prefix"):
            name, iri = line.split()[1], line.split()[2]
            prefixes[name] = iri
            out.extend(pending); pending = []; out.append(line); continue
        if not block:
            if line.startswith("#") or not line.strip():
                pending.append(line); continue
            block.append(line)
        else:
            block.append(line)
        if re.search(r"\s\.\s*(#.*)?$", line) and not line.lstrip().startswith("#"):
            rec = "\n".join(block)
            subj = block[0].split()[0]
            if "evidence:illustrative" in rec and subj not in keep_subjects:
                # keep section comments (lines starting with '# ---' or blank) in fr, move record-specific comments
                moved.append(f"# from {f.name}\n" + "\n".join(l for l in pending if l.strip() and not l.startswith("# -")) + ("\n" if any(l.strip() and not l.startswith("# -") for l in pending) else "") + rec)
                out.extend(l for l in pending if not l.strip() or l.startswith("# -") or l.startswith("# ="))
            else:
                out.extend(pending); out.extend(block)
            block, pending = [], []
    out.extend(pending)
    f.write_text("\n".join(out).rstrip("\n") + "\n")
demo = Path("data/demo"); demo.mkdir(exist_ok=True)
head = ["# tsc-graph — DEMONSTRATION data of the French node: illustrative records that no public source confirms.",
        "# Loaded only when asked (`make serve DEMO=1`, `tsc-graph load --demo`), into its own graph {base}graph/demo;",
        "# never counted in the home figures, exported, harvested, federated or listed in VoID/dumps, and always",
        "# bannered as illustrative. Contacts are placeholders at the reserved example.org domain (RFC 2606).", ""]
head += [f"@prefix {n} {iri} ." for n, iri in sorted(prefixes.items())]
(demo / "demo.ttl").write_text("\n".join(head) + "\n\n" + "\n\n".join(moved) + "\n")
print(len(moved), "records moved")
