#!/usr/bin/env python3
"""conform_coverage.py — the requirement coverage matrix of the conformance suite.

Reads the normative spec (spec/*.md, spec/services/*.md): every requirement bullet
"- [ID] ..." whose text says MUST or MUST NOT, and every security guarantee "### [SEC-N]".
Their roles come from the requirement matrix of spec/conformance.md (columns D, C, R).
The cases come from `tether-conform --list` (device and client suites: one line per case,
"role<TAB>group<TAB>[IDs]<TAB>title"). Requirements that cannot be observed from outside
are listed with the reason in conformance/untestable.txt ("ID<TAB>reason"), and rows of the
matrix whose only method is review (Rv) count as untestable too ([CNF-030]).

For every device- or client-role requirement the matrix says: tested (by which cases),
untestable (why), or NOT TESTED; it prints the coverage figure

    tested / (device+client requirements - untestable)

and writes the matrix as Markdown. Relay-only requirements are counted apart (the relay's
suite is the relay developer's, MTB/ROL-02x). Usage:

    tools/conform_coverage.py --cases CASES.txt [--out docs/conformance-coverage.md]
                              [--min PERCENT]

Exit 1 if the figure is below --min (default 0: report only)."""
import argparse
import glob
import os
import re
import sys

# Requirements of features no implementation has yet: testable, but nothing to test against.
# (None now: the MTB- group runs through the relay, conformance/tests/relay_conformance.sh.)
DEFERRED = {}
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ID = r"[A-Z]{2,4}-\d+"


def expand(cell):
    """'HS-010, HS-011, HS-017…019' -> the IDs it names."""
    out = []
    for part in cell.split(","):
        part = part.strip()
        m = re.fullmatch(r"([A-Z]{2,4})-(\d+)(?:\s*(?:…|\.\.\.)\s*(?:[A-Z]{2,4}-)?(\d+))?", part)
        if not m:
            continue
        pre, a, b = m.group(1), int(m.group(2)), m.group(3)
        width = len(m.group(2))
        for n in range(a, (int(b) if b else a) + 1):
            out.append(f"{pre}-{n:0{width}d}" if pre != "SEC" else f"SEC-{n}")
    return out


def roles_from_matrix():
    """ID -> (set of roles, methods) from spec/conformance.md's requirement matrix."""
    roles = {}
    text = open(os.path.join(ROOT, "spec/conformance.md"), encoding="utf-8").read()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.match(ID.replace("\\d+", ""), cells[0]) or cells[0] == "requirements":
            continue
        r = set()
        for col, name in ((1, "D"), (2, "C"), (3, "R")):
            v = cells[col]
            if v and not v.startswith("("):  # "(owner tooling)", "(the suite itself)"…
                r.add(name)
        for i in expand(cells[0]):
            roles[i] = (r, cells[4])
    return roles


def requirements():
    """ID -> (file, text) for every MUST requirement and SEC guarantee."""
    reqs = {}
    files = sorted(glob.glob(os.path.join(ROOT, "spec/*.md")) +
                   glob.glob(os.path.join(ROOT, "spec/services/*.md")))
    for f in files:
        lines = open(f, encoding="utf-8").read().splitlines()
        i = 0
        while i < len(lines):
            m = re.match(r"^- \[(" + ID + r")\]\s*(.*)", lines[i])
            h = re.match(r"^###\s*\[(SEC-\d+)\]\s*(.*)", lines[i])
            if m:
                text = [m.group(2)]
                i += 1
                while i < len(lines) and lines[i].startswith("  ") and not lines[i].lstrip().startswith("- ["):
                    text.append(lines[i].strip())
                    i += 1
                t = " ".join(text)
                if re.search(r"\bMUST\b", t):
                    reqs.setdefault(m.group(1), (os.path.relpath(f, ROOT), t))
                continue
            if h:
                reqs.setdefault(h.group(1), (os.path.relpath(f, ROOT), h.group(2)))
            i += 1
    return reqs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", required=True, help="output of tether-conform --list")
    ap.add_argument("--out")
    ap.add_argument("--min", type=float, default=0.0)
    a = ap.parse_args()
    roles = roles_from_matrix()
    reqs = requirements()
    cases = {}
    for line in open(a.cases, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4:
            continue
        for i in re.findall(r"\[(" + ID + r")\]", parts[2]):
            cases.setdefault(i, []).append(f"{parts[0]}/{parts[1]}: {parts[3]}")
    # Every ID a case cites must exist in the spec: a typo would silently cover nothing.
    known = set()
    for f in glob.glob(os.path.join(ROOT, "spec/*.md")) + glob.glob(os.path.join(ROOT, "spec/services/*.md")):
        known.update(re.findall(r"\[(" + ID + r")\]", open(f, encoding="utf-8").read()))
    unknown = sorted(set(cases) - known)
    if unknown:
        print("cases cite IDs the spec does not define:", ", ".join(unknown))
        return 1
    untestable = {}
    path = os.path.join(ROOT, "conformance/untestable.txt")
    for line in open(path, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            k, _, why = line.rstrip("\n").partition("\t")
            untestable[k.strip()] = why.strip()

    rows, n_scope, n_untest, n_tested, relay_only, unclassified = [], 0, 0, 0, [], []
    n_deferred = 0
    for rid in sorted(reqs, key=lambda s: (s.split("-")[0], int(s.split("-")[1]))):
        f, text = reqs[rid]
        r, method = roles.get(rid, (None, ""))
        if r is None:
            unclassified.append(rid)
            r = set()
        if not (r & {"D", "C"}):
            if "R" in r:
                relay_only.append(rid)
            continue
        n_scope += 1
        why = untestable.get(rid)
        if why is None and method and all(m.strip().startswith("Rv") or m.strip() == "—"
                                          for m in method.split(",")):
            why = f"review only (matrix method: {method})"
        deferred = next((why for pre, why in DEFERRED.items() if rid.startswith(pre)), None)
        if rid in cases:
            status = "tested: " + "; ".join(cases[rid][:3]) + (" …" if len(cases[rid]) > 3 else "")
            n_tested += 1
        elif why:
            status = "untestable from outside: " + why
            n_untest += 1
        elif deferred:
            status = "deferred: " + deferred
            n_deferred += 1
        else:
            status = "**NOT TESTED**"
        short = text if len(text) < 110 else text[:107] + "…"
        rows.append(f"| {rid} | {''.join(sorted(r & {'D', 'C'}))} | {short.replace('|', '/')} | {status.replace('|', '/')} |")
    testable = n_scope - n_untest
    pct = 100.0 * n_tested / testable if testable else 0.0
    avail = testable - n_deferred
    pct2 = 100.0 * n_tested / avail if avail else 0.0
    summary = (f"{n_scope} MUST requirements of the device and client roles; {n_untest} untestable "
               f"from outside; {n_tested} of {testable} testable ones tested by a named case: "
               f"{pct:.1f} %")
    if n_deferred:
        summary += f" ({pct2:.1f} % of the {avail} whose feature exists: {n_deferred} deferred)"
    print("coverage:", summary)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as o:
            o.write("# Conformance coverage matrix\n\n")
            o.write("Generated by `tools/conform_coverage.py` from `spec/` and the cases of "
                    "`tether-conform --list` (`make conform-coverage`); do not edit.\n\n")
            o.write(f"**{summary}.**\n\n")
            o.write(f"Relay-only requirements (not in this suite): {len(relay_only)}. "
                    f"Requirements with MUST that the matrix of spec/conformance.md does not "
                    f"classify: {', '.join(unclassified) or 'none'}.\n\n")
            o.write("| requirement | roles | text | status |\n|---|---|---|---|\n")
            o.write("\n".join(rows) + "\n")
    return 0 if pct >= a.min else 1


if __name__ == "__main__":
    sys.exit(main())
