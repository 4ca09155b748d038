#!/usr/bin/env python3
"""Targets whose subject differs from the gold's, over the labelled real reports.

Pairs gold and predicted targets with score-plan's own matcher and prints, for each pair whose
subject bag-F1 is under the threshold: report, F1, gold subject, predicted subject, target id and
the gold text. The ten reports kept aside have no gold file, so they are never read.

Usage: Scripts/subject-misses.py [luoshi binary] [threshold]   (default .build-release/release/luoshi, 0.7)
"""
import glob
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build-release/release/luoshi")
threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 0.7
loader = importlib.machinery.SourceFileLoader("score_plan", os.path.join(root, "../shared/tools/score-plan"))
scorer = importlib.util.module_from_spec(importlib.util.spec_from_loader("score_plan", loader))
loader.exec_module(scorer)

rows = []
with tempfile.TemporaryDirectory() as tmp:
    for gold_path in sorted(glob.glob(os.path.join(root, "Tests/PlanReaderTests/Fixtures/corpus/*.gold.json"))):
        name = os.path.basename(gold_path)[: -len(".gold.json")]
        out = os.path.join(tmp, name + ".json")
        report = os.path.join(root, "../shared/corpus/reports", name + ".md")
        subprocess.run([binary, "import", report, "--json", "--out", out, "--quiet"], check=True)
        gold = json.load(open(gold_path, encoding="utf-8"))
        pred = json.load(open(out, encoding="utf-8"))
        golds = [t for t in gold.get("targets") or [] if not t.get("borderline")]
        pairs = scorer.match_targets(golds, pred["targets"], lambda t: (t.get("text") or "") + (t.get("quantity_text") or ""))
        for g, p in pairs:
            f1 = scorer.bag_f1(g.get("subject"), p.get("subject"))
            if f1 < threshold:
                rows.append((name, f1, g.get("subject"), p.get("subject"), p["id"], (g.get("text") or "")[:60]))
for name, f1, gs, ps, tid, text in rows:
    print(f"{name} | {f1:.2f} | {gs} | {ps} | {tid} | {text}")
print(f"{len(rows)} targets with subject F1 under {threshold}", file=sys.stderr)
