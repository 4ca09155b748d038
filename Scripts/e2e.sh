#!/usr/bin/env bash
# The browser suite (Tests/e2e/suite.py): Chromium driven by selenium against a real
# `luoshi serve --demo` over TCP, every flow as each role, with real files; a screenshot of every page
# at 1280 px and 390 px, in Chinese and English, lands in $LUOSHI_SHOTS (default ./e2e-shots).
# Usage: Scripts/e2e.sh [path to the luoshi binary]   (default .build/debug/luoshi)
# Needs chromium, chromium-driver and fonts-noto-cjk (Debian); selenium and pypdf come from PyPI into a venv.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/luoshi}
VENV=${E2E_VENV:-/tmp/luoshi-e2e}
PORT=${LUOSHI_E2E_PORT:-18121}
SHOTS=${LUOSHI_SHOTS:-$PWD/e2e-shots}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import selenium, pypdf" 2>/dev/null; then
    python3 -m venv "$VENV"
    # pypdf reads back the text of a page Chromium printed to PDF.
    "$VENV/bin/pip" install -q "selenium==4.51.0" "pypdf==7.1.1"
fi
T=$(mktemp -d)
rm -rf "$SHOTS"
mkdir -p "$SHOTS" "$T/files/mail"
# A mail relay: Python's own smtpd, keeping each message it receives as a file the suite reads.
SMTP_PORT=$((PORT + 4))
python3 -W ignore - "$T/files/mail" "$SMTP_PORT" >"$T/smtp.log" 2>&1 <<'PY' &
import asyncore, os, smtpd, sys
folder, port = sys.argv[1], int(sys.argv[2])
class Relay(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        n = len(os.listdir(folder))
        with open(os.path.join(folder, f"{n:04d}.eml"), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
Relay(("127.0.0.1", port), None, decode_data=False)
asyncore.loop()
PY
RELAY=$!
LUOSHI_SMTP_HOST=127.0.0.1 LUOSHI_SMTP_PORT=$SMTP_PORT LUOSHI_MAIL_FROM=luoshi@zhen.example.cn \
    "$BIN" serve --demo --port "$PORT" --data "$T/data" >"$T/server.log" 2>&1 &
APP=$!
trap 'kill $APP $RELAY 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT

# The files a clerk and a reporter would pick: the seed fixture made a new document; a real
# 政府工作报告 from the corpus as GB18030 (what Windows saves); a phone photo and a 15 MB scan.
cp ../shared/fixtures/zhangzhishan-2015.txt "$T/files/zhangzhishan-2015-copy.txt"
printf '\n附：本计划另行印发各村、社区。\n' >>"$T/files/zhangzhishan-2015-copy.txt"
python3 - "$T/files" <<'PY'
import base64, os, sys, zipfile
out = sys.argv[1]
report = open("../shared/corpus/reports/南昌市-2018.md", encoding="utf-8").read()
open(os.path.join(out, "report-gb18030.txt"), "wb").write(report.encode("gb18030"))
with open(os.path.join(out, "scan-15mb.pdf"), "wb") as f:
    f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * (15 * 1024 * 1024) + b"\n%%EOF\n")
with zipfile.ZipFile(os.path.join(out, "情况说明.docx"), "w") as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>情况说明</w:t></w:r></w:p></w:body></w:document>')
PY
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done

set +e
# The county's step makes its first account as an operator would, with this binary on the demo's data.
LUOSHI_E2E_BIN="$BIN" LUOSHI_E2E_DATA="$T/data/demo" \
    "$VENV/bin/python" Tests/e2e/suite.py "http://127.0.0.1:$PORT" "$SHOTS" "$T/files"
status=$?
set -e
[ $status -eq 0 ] || { echo "== server log (last 30 lines)"; tail -n 30 "$T/server.log"; }
exit $status
