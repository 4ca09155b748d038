#!/usr/bin/env bash
# The reader on the labelled real reports: imports each report of ../shared/corpus/reports that has a
# gold file in Tests/PlanReaderTests/Fixtures/corpus, scores it with ../shared/tools/score-plan, and
# prints one line a document (targets F1, subject F1, areas F1, themes F1, project precision and recall, plan
# section) and the means. The ten reports kept aside have their gold files in corpus-heldout, read only
# when GOLD points there (once, at the end of the reader work).
# Usage: Scripts/score-corpus.sh [luoshi binary]   (default .build-release/release/luoshi)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build-release/release/luoshi}
GOLD=${GOLD:-Tests/PlanReaderTests/Fixtures/corpus}
REPORTS=../shared/corpus/reports
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for gold in "$GOLD"/*.gold.json; do
    name=$(basename "$gold" .gold.json)
    if "$BIN" import "$REPORTS/$name.md" --json --out "$T/$name.json" --quiet 2>"$T/$name.err"; then
        ../shared/tools/score-plan "$T/$name.json" "$gold" --json >"$T/$name.score"
    else
        echo "{\"crash\": \"$(head -c 200 "$T/$name.err" | tr '"\n' "' ")\"}" >"$T/$name.score"
    fi
done
python3 - "$T" <<'PY'
import glob, json, os, sys
rows = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.score"))):
    s = json.load(open(path, encoding="utf-8"))
    name = os.path.basename(path)[:-6]
    if "crash" in s:
        print(f"{name:16} FAILED {s['crash']}")
        continue
    t = s.get("targets", {})
    row = {
        "targets": t.get("f1", 0.0), "subject": t.get("subject_f1", 0.0),
        "areas": s.get("areas", {}).get("f1", 0.0), "themes": s.get("themes", {}).get("f1", 0.0),
        "projects": s.get("projects", {}).get("precision"), "recall": s.get("projects", {}).get("recall"),
        "section": s.get("plan_section"),
    }
    rows.append(row)
    fmt = lambda v: "  —  " if v is None else f"{v:5.3f}"
    print(f"{name:16} targets {fmt(row['targets'])} subject {fmt(row['subject'])} areas {fmt(row['areas'])} "
          f"themes {fmt(row['themes'])} projects P {fmt(row['projects'])} R {fmt(row['recall'])} section {fmt(row['section'])}")
def mean(k):
    v = [r[k] for r in rows if r[k] is not None]
    return sum(v) / len(v) if v else float("nan")
print(f"{'mean of ' + str(len(rows)):16} targets {mean('targets'):5.3f} subject {mean('subject'):5.3f} "
      f"areas {mean('areas'):5.3f} themes {mean('themes'):5.3f} projects P {mean('projects'):5.3f} R {mean('recall'):5.3f} "
      f"section {sum(1 for r in rows if r['section'] == 1.0)}/{sum(1 for r in rows if r['section'] is not None)}")
PY
