#!/usr/bin/env python3
"""Damaged copies of real reports, for checking that the reader never crashes or hangs.

The public collection of ~3,000 reports is not on this machine; this makes a collection of the same
size from the real reports we have, damaged the ways files arrive damaged: cut anywhere (inside a
multi-byte character too), bytes flipped, lines shuffled or joined into one, other encodings
(GB18030, UTF-16 with and without a byte-order mark), wrapped in HTML with stray tags, packed as
.docx (some with a broken ZIP), repeated, stripped of punctuation, sprinkled with emoji, combining
marks and control characters, or padded with very long runs of digits and brackets.

Usage: Scripts/damage-corpus.py SOURCE_DIR OUT_DIR [COUNT] [SEED]
Then:  luoshi bench corpus OUT_DIR --isolate --summary-only
"""
import io
import os
import random
import sys
import zipfile
from xml.sax.saxutils import escape


def docx(text, rng, broken=False):
    paras = "".join(
        f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r></w:p>" for line in text.split("\n")
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paras}</w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("word/document.xml", document)
    data = buffer.getvalue()
    if broken:
        cut = rng.randrange(len(data) // 4, len(data))
        data = data[:cut] + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
    return data


def damage(text, rng, kind):
    """Returns (bytes, extension)."""
    raw = text.encode("utf-8")
    if kind == "cut":
        return raw[: rng.randrange(1, len(raw))], "txt"
    if kind == "flip":
        b = bytearray(raw)
        for _ in range(rng.randrange(1, 200)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b), "txt"
    if kind == "shuffle":
        lines = text.split("\n")
        rng.shuffle(lines)
        return "\n".join(lines).encode("utf-8"), "md"
    if kind == "oneline":
        return text.replace("\n", "").encode("utf-8"), "txt"
    if kind == "gb18030":
        return text.encode("gb18030", errors="replace"), "txt"
    if kind == "utf16":
        return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be"])), "txt"
    if kind == "html":
        out = ["<html><head><title>报告</title><style>p{}</style><script>var a='<p>';</script></head><body>"]
        for line in text.split("\n"):
            tag = rng.choice(["p", "div", "h2", "strong", "span", "td", "li"])
            if rng.random() < 0.1:
                out.append(f"<{tag}><strong>{escape(line[:12])}</strong>{escape(line[12:])}")
            else:
                out.append(f"<{tag}>{escape(line)}</{tag}>")
            if rng.random() < 0.02:
                out.append("<table><tr><td>" * rng.randrange(1, 50))
        out.append("&nbsp;&#20013;&#xFFFF;&#99999999;&bogus;</body>")
        return "\n".join(out).encode("utf-8"), "html"
    if kind == "docx":
        return docx(text, rng), "docx"
    if kind == "docx-broken":
        return docx(text, rng, broken=True), "docx"
    if kind == "repeat":
        return (text + "\n") .encode("utf-8") * rng.randrange(2, 8), "txt"
    if kind == "nopunct":
        return "".join(ch for ch in text if ch not in "，。；：、！？（）“”《》,.;:!?()").encode("utf-8"), "txt"
    if kind == "sprinkle":
        extras = ["😀", "\u0301", "\u200b", "\u202e", "\x00", "\x07", "\ufeff", "𠀀", "\r", "\t", "％", "１２３"]
        chars = list(text)
        for _ in range(rng.randrange(10, 400)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(extras))
        return "".join(chars).encode("utf-8"), "txt"
    if kind == "pad":
        pads = ["1" * rng.randrange(1000, 200000), "（" * 5000, "一、" * 20000, "。" * 50000, "#" * 10000,
                "**" * 20000, "|" * 30000, "增长" + "9" * 400 + "%", "第" + "一" * 5000 + "部分"]
        at = rng.randrange(len(text) + 1)
        return (text[:at] + "\n" + rng.choice(pads) + "\n" + text[at:]).encode("utf-8"), "txt"
    if kind == "markdown":
        lines = []
        for line in text.split("\n"):
            r = rng.random()
            lines.append(("#" * rng.randrange(1, 7) + " " + line) if r < 0.05 else ("- " + line if r < 0.1 else line))
        return "\n".join(lines).encode("utf-8"), "md"
    raise ValueError(kind)


KINDS = ["cut", "flip", "shuffle", "oneline", "gb18030", "utf16", "html", "docx", "docx-broken", "repeat",
         "nopunct", "sprinkle", "pad", "markdown"]


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source, out = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 2026)
    texts = []
    for name in sorted(os.listdir(source)):
        if name.endswith(".md"):
            with open(os.path.join(source, name), encoding="utf-8") as f:
                texts.append((name[:-3], f.read()))
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        name, text = texts[i % len(texts)]
        kind = KINDS[(i // len(texts)) % len(KINDS)] if i < len(texts) * len(KINDS) else rng.choice(KINDS)
        data, ext = damage(text, rng, kind)
        with open(os.path.join(out, f"{i:05d}-{kind}-{name}.{ext}"), "wb") as f:
            f.write(data)
    print(f"{count} damaged copies of {len(texts)} reports in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
