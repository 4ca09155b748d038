"""Luoshi in a real browser: Chromium, driven by selenium, against a real `luoshi serve --demo` over TCP.

Run by Scripts/e2e.sh (which starts the server). It walks the flows of the plan's life as each role
would, with real files, and asserts what the pages then say; and on every page it visits it takes a
screenshot at a desk's 1280 px and a phone's 390 px, in Chinese and in English, and checks what a
person on a phone or reading English would trip over:

- nothing wider than the screen (the document, and every element in it);
- every field has a label; every button can be read (contrast at least 4.5:1);
- in English, no raw codes (onTrack, notice.issue, a cell reading just "monthly") and no Chinese
  outside elements marked lang="zh" (names and the plan's own words, which stay as written).

Usage: suite.py BASE_URL SHOTS_DIR FILES_DIR   (FILES_DIR holds the test files Scripts/e2e.sh made)
"""

import json
import os
import re
import sys
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

BASE, SHOTS, FILES = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
PASSWORD = "luoshi2015"
os.makedirs(SHOTS, exist_ok=True)

failures: list[str] = []
passed = 0


def fail(what: str) -> None:
    print("FAIL " + what, flush=True)
    failures.append(what)


def expect(ok: bool, what: str) -> None:
    global passed
    if ok:
        passed += 1
    else:
        fail(what)


options = webdriver.ChromeOptions()
for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=zh-CN"]:
    options.add_argument(arg)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
# Chrome's password manager would offer to save the demo password, or warn that it was leaked, over
# the page: a person dismisses that, a test should not meet it.
options.add_argument("--disable-features=PasswordLeakDetection,PasswordManagerOnboarding,AutofillServerCommunication")
options.add_experimental_option(
    "prefs",
    {"credentials_enable_service": False, "profile.password_manager_enabled": False,
     "profile.password_manager_leak_detection": False},
)
driver = webdriver.Chrome(options=options)
driver.set_page_load_timeout(60)
WIDTHS = {"desk": (1280, 900), "phone": (390, 844)}


def size(kind: str) -> None:
    w, h = WIDTHS[kind]
    driver.set_window_size(w, h)
    # The window's outer size includes the frame; make the viewport itself the width asked for.
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(w + (w - inner[0]), h + (h - inner[1]))


def go(path: str) -> None:
    driver.get(BASE + path)


def text() -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def here() -> str:
    return driver.current_url.replace(BASE, "")


def find(css: str):
    return driver.find_element(By.CSS_SELECTOR, css)


def finds(css: str):
    return driver.find_elements(By.CSS_SELECTOR, css)


def submit(form) -> None:
    """Presses a form's own submit button, as a person would, and waits for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.CSS_SELECTOR, "button:not([type=button]), input[type=submit]").click()
    for _ in range(600):  # up to 30 s: a write may wait behind the server's background pass
        try:
            old.tag_name  # still the old page?
            time.sleep(0.05)
        except Exception:
            break
    time.sleep(0.1)


retried_sign_ins: list[str] = []


def sign_in(username: str, second_try: bool = False, password: str = PASSWORD) -> None:
    # Signs out first, as a person hands over a shared computer: the server ends the session. (Deleting
    # the browser's cookies alone was seen to leave the last session in place now and then.)
    previous = [c["value"] for c in driver.get_cookies() if c["name"] == "luoshi-session"]
    if finds("form[action='/logout']"):
        submit(find("form[action='/logout']"))
    driver.delete_all_cookies()
    go("/login")
    find("input[name=username]").send_keys(username)
    find("input[name=password]").send_keys(password)
    typed = find("input[name=username]").get_attribute("value")
    expect(typed == username, f"the username field holds what was typed ({typed!r})")
    submit(find("form[action='/login']"))
    # A sign-in writes (the session, the attempt): behind the server's background pass on SQLite it
    # may wait its turn for a few seconds, as a person would.
    for _ in range(600):
        if "/login" not in here():
            break
        time.sleep(0.05)
    if "/login" in here() and not second_try:
        # Seen now and then right after a reporter's session: the browser lands on an empty sign-in
        # page with no session cookie and no error. Not yet explained (see the README's open
        # questions); a person would try again, and so does the suite, saying so loudly.
        driver.save_screenshot(os.path.join(SHOTS, f"RETRIED-sign-in-{username}.png"))
        print(f"WARNING {username}: back on an empty sign-in page; cookies {driver.get_cookies()}", flush=True)
        retried_sign_ins.append(username)
        return sign_in(username, second_try=True, password=password)
    if "/login" in here():
        driver.save_screenshot(os.path.join(SHOTS, f"BROKEN-sign-in-{username}.png"))
    expect("/login" not in here(), f"{username} signs in (now at {here()}: {text()[-300:]!r})")
    now = [c["value"] for c in driver.get_cookies() if c["name"] == "luoshi-session"]
    expect(bool(now) and now != previous, f"{username} has a session of their own, not the last one's")


# ---------------------------------------------------------------------------------------------
# What every page is checked for, at both widths and in both languages.

PAGE_CHECKS = r"""
const W = window.innerWidth, issues = [];
const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
    ' "' + (e.innerText || e.value || '').trim().slice(0, 30).replace(/\s+/g, ' ') + '"';
if (document.documentElement.scrollWidth > W) issues.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + W);
const wide = [];
for (const e of document.querySelectorAll('body *')) {
  const s = getComputedStyle(e);
  if (s.display === 'none' || s.visibility === 'hidden') continue;
  // Inside an SVG, scrollWidth is in the drawing's own units, not the screen's: the svg itself counts.
  if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;
  const r = e.getBoundingClientRect();
  if (e.scrollWidth > W + 1 || r.right > W + 1) {
    // Report the innermost culprits only.
    if (![...e.children].some(c => c.scrollWidth > W + 1 || c.getBoundingClientRect().right > W + 1)) wide.push(name(e) + ' ' + Math.max(e.scrollWidth, Math.round(r.right)));
  }
}
if (wide.length) issues.push('wider than the screen: ' + wide.slice(0, 4).join('; '));
for (const e of document.querySelectorAll('input, select, textarea')) {
  if (['hidden', 'submit', 'button'].includes(e.type)) continue;
  const labelled = (e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]')) || e.closest('label') ||
      e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
  if (!labelled) issues.push('field without a label: ' + name(e) + ' name=' + e.name);
}
const rgb = c => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const background = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0.5) return c; } return [255, 255, 255]; };
for (const e of document.querySelectorAll('button, a.button, input[type=submit]')) {
  const s = getComputedStyle(e);
  if (s.display === 'none' || e.getBoundingClientRect().width === 0) continue;
  const a = lum(rgb(s.color)), b = lum(background(e));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) issues.push('button hard to read (contrast ' + ratio.toFixed(1) + '): ' + name(e));
}
if (document.documentElement.lang === 'en') {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const chinese = [], codes = [];
  for (let n; (n = walker.nextNode());) {
    const t = n.nodeValue.trim(), p = n.parentElement;
    if (!t || !p || p.closest('[hidden], script, style')) continue;
    if (/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/.test(t) && !p.closest('[lang|="zh"]')) chinese.push(t.slice(0, 24));
    // File names and addresses set as code are what they are in any language.
    if (!p.closest('code')) for (const m of t.match(/\b[a-z]+[A-Z][A-Za-z]*\b|\b(plan|item|report|notice|channel|user|milestone|demo)\.[a-z]+[A-Za-z]*\b/g) || []) codes.push(m);
    if (/^(monthly|quarterly|weekly|yearly|yellow|orange|red|blue|reporter|admin|leader|deputy|submitted|accepted|returned|issued|responded|closed|draft|published|target|task|project|area|theme|commitment|headline)$/.test(t)) codes.push(t);
  }
  if (chinese.length) issues.push('Chinese in English mode: ' + [...new Set(chinese)].slice(0, 5).join(' | '));
  if (codes.length) issues.push('raw codes in English mode: ' + [...new Set(codes)].slice(0, 6).join(', '));
}
return issues;
"""

checked_pages: set[str] = set()


def look(label: str, path: str | None = None) -> None:
    """The page at `path` (or the current one), at both widths and in both languages: a screenshot
    of each, and the checks above. Comes back to the page as it was (Chinese, desk width)."""
    path = path or here()
    base_path = re.sub(r"[?&]lang=\w+", "", path)
    for lang in ("zh", "en"):
        sep = "&" if "?" in base_path else "?"
        go(base_path + sep + "lang=" + lang)
        for kind in ("desk", "phone"):
            size(kind)
            time.sleep(0.05)
            shot = f"{label}-{kind}-{lang}.png"
            # The whole page, not only the first screen: a tall window, then back.
            height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 12000)")
            w, h = WIDTHS[kind]
            driver.set_window_size(driver.get_window_size()["width"], max(h, height) + 140)
            driver.save_screenshot(os.path.join(SHOTS, shot))
            size(kind)
            for issue in driver.execute_script(PAGE_CHECKS):
                fail(f"{label} ({kind}, {lang}): {issue}")
            checked_pages.add(label)
    size("desk")
    go(base_path)


def step(name: str):
    """A flow step: its failures are recorded and the suite goes on to the next."""

    def wrap(fn):
        print(f"--- {name}", flush=True)
        try:
            fn()
        except Exception as error:  # a step that breaks is a failure, with where it broke
            fail(f"{name}: {type(error).__name__}: {error}".splitlines()[0])
            traceback.print_exc(limit=3)
            shot = re.sub(r"\W+", "_", name)[:40]
            driver.save_screenshot(os.path.join(SHOTS, f"BROKEN-{shot}.png"))
        return fn

    return wrap


state: dict[str, str] = {}

size("desk")
# A photo as a phone's camera gives it: a JPEG (here, of the sign-in page, taken by Chromium itself).
go("/login")
photo = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "jpeg", "quality": 90})["data"]
with open(os.path.join(FILES, "photo.jpg"), "wb") as f:
    import base64

    f.write(base64.b64decode(photo))


@step("sign-in page")
def _():
    go("/login")
    expect("登录" in text(), "the sign-in page says 登录")
    look("login", "/login")
    go("/login")
    find("input[name=username]").send_keys("duchaban")
    find("input[name=password]").send_keys("wrong")
    submit(find("form"))
    expect("用户名或密码不正确" in text(), "a wrong password says so")


@step("staff: plans, overview, review")
def _():
    sign_in("duchaban")
    go("/plans")
    look("plans", "/plans")
    link = find("a[href^='/plans/']").get_attribute("href").replace(BASE, "")
    state["plan"] = link
    go(link)
    expect("张芝山镇" in text() or "计划" in text(), "the overview names its plan")
    look("overview", link)
    look("review", link + "/review")
    look("rules", link + "/supervision")
    look("bulletin", link + "/bulletin?month=2015-05")
    item = find("a[href^='/items/']").get_attribute("href").replace(BASE, "")
    state["item"] = item
    look("item", item)


@step("staff: assign, reviews, notices, channels, audit, inbox")
def _():
    for label, path in [("assign", "/assign"), ("reviews", "/reviews"), ("notices", "/notices"),
                        ("channels", "/channels"), ("audit", "/audit"), ("inbox-staff", "/inbox")]:
        go(path)
        expect(driver.title and "404" not in driver.title, f"{path} opens ({driver.title})")
        look(label, path)


@step("staff: the 发督办单 button leads to the form")
def _():
    go("/notices")
    buttons = [a for a in finds("a") if "发督办单" in a.text]
    expect(bool(buttons), "the notices page has a 发督办单 button")
    if buttons:
        buttons[0].click()
        expect("404" not in driver.title and "找不到" not in text(), f"发督办单 opens a form, not 404 ({here()})")
        look("notice-new")


def import_document(name: str) -> None:
    """Chooses a plan document in the import form of the plans page and sends it."""
    go("/plans")
    upload = find("input[type=file][name=document]")
    upload.send_keys(os.path.join(FILES, name))
    submit(upload.find_element(By.XPATH, "ancestor::form"))


@step("staff: imports the seed fixture through the browser")
def _():
    import_document("zhangzhishan-2015-copy.txt")
    expect("/review" in here() or "/plans/" in here(), f"import leads to the new plan ({here()})")
    expect("表单已过期" not in text(), "the import is not refused as an expired form")
    state["imported"] = re.sub(r"/review.*$", "", here())


@step("staff: publishes the imported plan, asked first; closes it, asked first; reopens it with a reason")
def _():
    plan = state["imported"]
    go(plan + "/review")
    link = [a for a in finds("a") if "发布计划" in a.text]
    expect(bool(link), "the review page offers 发布计划")
    link[0].click()
    expect("领导、各单位和人大代表将看到本计划" in text(), "publishing says what it will do before it does it")
    look("confirm-publish")
    submit(find("form[action$='/publish']"))
    expect(here().rstrip("/") == plan, f"publishing leads to the plan ({here()})")
    go(plan)
    [a for a in finds("a") if "结束本年度计划" in a.text][0].click()
    expect("督查办可以写明理由重新打开" in text(), "closing says it can be undone, and how")
    submit(find("form[action$='/close']"))
    go(plan)
    reason = find("input[name=reason]")
    reason.send_keys("误操作结束，重新打开")
    submit(reason.find_element(By.XPATH, "ancestor::form"))
    go("/audit")
    expect("重新打开计划" in text(), "the audit log shows the reopening")


@step("staff: imports a real 政府工作报告 (GB18030) through the browser")
def _():
    import_document("report-gb18030.txt")
    expect("/plans/" in here(), f"the report imports ({here()}: {text()[:80]})")


def download(path: str) -> bytes:
    """A file the signed-in browser's session may fetch (a download Chromium would save to disk)."""
    import urllib.request

    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(BASE + path, headers={"Cookie": cookie})) as r:
        return r.read()


@step("staff: edits a due date in the downloaded 分解表 (saved as GB18030 CSV, as Excel does), previews, imports")
def _():
    import csv
    import io

    sign_in("duchaban")
    plan = state["plan"]
    rows = list(csv.reader(io.StringIO(download(plan + "/breakdown.csv").decode("utf-8-sig"))))
    expect(rows and rows[0][:3] == ["序号", "领域/部分", "任务内容"], f"the 分解表 has its header ({rows[:1]})")
    task = next(i for i, r in enumerate(rows) if r[0].isdigit() and r[5] and r[8] != "2015-11-30")
    rows[task][8] = "2015年11月底"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    with open(os.path.join(FILES, "分解表-改.csv"), "wb") as f:
        f.write(out.getvalue().encode("gb18030"))
    go(plan + "/breakdown/import")
    look("breakdown-import")
    upload = find("input[type=file][name=sheet]")
    upload.send_keys(os.path.join(FILES, "分解表-改.csv"))
    submit(upload.find_element(By.XPATH, "ancestor::form"))
    expect("1 处修改（涉及 1 项）" in text(), f"the preview shows the one change ({text()[:300]!r})")
    expect(f"第{task + 1}行" in text() and "2015-11-30" in text(), "the preview names the row and the new date")
    look("breakdown-preview")
    submit(find("form input[name=digest]").find_element(By.XPATH, "ancestor::form"))
    expect("已导入：1 项的分解已修改" in text(), f"the import says what it wrote ({text()[:200]!r})")
    rows = list(csv.reader(io.StringIO(download(plan + "/breakdown.csv").decode("utf-8-sig"))))
    expect(rows[task][8] == "2015-11-30", f"the exported sheet has the new date ({rows[task][8]})")
    go("/audit")
    expect("导入分解表" in text(), "the audit log shows the import")


@step("staff: an office with no document makes a plan from its 分解表 alone")
def _():
    with open(os.path.join(FILES, "2016年重点任务分解表.csv"), "w", encoding="utf-8-sig") as f:
        f.write("2016年重点任务分解表,,,\n序号,重点任务,主办单位,时间节点\n一、城乡建设,,,\n"
                "1,新增停车位300个,城建办,2016年6月底\n2,完成老街立面改造,城建办,年底前\n")
    import_document("2016年重点任务分解表.csv")
    expect("/breakdown/import/" in here(), f"the new plan's assignments are previewed next ({here()})")
    expect("城建办" in text(), "the preview names the sheet's unit")


@step("staff: the 考核 ranking, a unit's working, a bonus entered; the unit reads its own working")
def _():
    sign_in("duchaban")
    plan = state["plan"]
    go(plan + "/assessment?period=2015")
    expect("按考核方案第 1 版计分" in text(), f"the ranking names its scheme ({text()[:200]!r})")
    look("assessment", plan + "/assessment?period=2015")
    unit_link = find("table.list a[href*='/assessment/']")
    unit_link.click()
    expect("每一分的来源见下表" in text() and "共性目标基础分" in text(), "a unit's page shows its working")
    before = find("tr.total td.num").text
    look("assessment-unit")
    form = find("form[action$='/entries']")
    Select(form.find_element(By.NAME, "kind")).select_by_value("bonus")
    form.find_element(By.NAME, "points").send_keys("2")
    form.find_element(By.NAME, "reason").send_keys("获市级表彰（市委〔2015〕3号）")
    submit(form)
    after = find("tr.total td.num").text
    expect(abs(float(after) - float(before) - 2) < 0.005, f"the bonus is in the total ({before} → {after})")
    expect("获市级表彰" in text(), "the bonus line names its reason")


@step("reporter: reads the 考核 working of their own unit, and only that")
def _():
    sign_in("dept1")
    go(state["plan"] + "/assessment?period=2015")
    expect("/assessment/" in here() and "每一分的来源见下表" in text(), f"a reporter lands on their own unit's score ({here()})")
    expect(not finds("form[action$='/entries']"), "a reporter cannot enter points")
    look("assessment-own")


@step("staff: a scheme without the survey for villages, brought to 100, is a new version")
def _():
    sign_in("duchaban")
    plan = state["plan"]
    go(plan + "/assessment?period=2015")
    box = find("textarea[name=groupExclusions]")
    box.clear()
    box.send_keys("村=满意度测评")
    submit(box.find_element(By.XPATH, "ancestor::form"))
    expect("按考核方案第 2 版计分" in text(), f"the ranking names the new version ({text()[:200]!r})")
    expect("村不计满意度测评，折算为百分制" in text(), "the scheme's words name the villages' rule")
    heads = [th.text for th in finds("table.list th")]
    expect("折算" in heads, f"the ranking has a column for the bringing to 100 ({heads})")
    look("assessment-groups")


@step("a 考核 round: staff freeze and publish 2015-Q2; a unit objects; staff answer")
def _():
    sign_in("duchaban")
    plan = state["plan"]
    go(plan + "/assessment?period=2015-Q2")
    submit(find("form[action$='/assessment/round']"))
    expect("考核中：数据冻结于 2015年6月30日" in text(), f"the round is open, its data frozen ({text()[:240]!r})")
    # The unit files its 自评 of its first line; staff review that line with a reason.
    sign_in("dept1")
    go(plan + "/assessment?period=2015-Q2")
    find("input[name='points[0]']").send_keys("5")
    find("input[name='notes[0]']").send_keys("该项已按期完成，见6月报送")
    submit(find("form[action$='/claims']"))
    expect("该项已按期完成，见6月报送" in text(), "the unit's 自评 is shown beside the line")
    look("assessment-self")
    unit_page = here()
    sign_in("duchaban")
    go(unit_page)
    find("input[name='points[0]']").send_keys("4")
    find("input[name='notes[0]']").send_keys("按冻结日数据核定")
    submit(find("form[action$='/claims']"))
    expect("按冻结日数据核定" in text() and "原计算" in text(), "the review shows the computed points beside it")
    go(plan + "/assessment?period=2015-Q2")
    until = find("input[name=until]")
    driver.execute_script("arguments[0].value = '2015-07-10'", until)
    submit(until.find_element(By.XPATH, "ancestor::form"))
    expect("公示中，至 2015年7月10日" in text(), "the round is under public notice")
    sign_in("dept1")
    go(plan + "/assessment?period=2015-Q2")
    box = find("textarea[name=text]")
    box.send_keys("6月份报送系按时提交，请核实。")
    submit(box.find_element(By.XPATH, "ancestor::form"))
    look("assessment-objection")
    sign_in("duchaban")
    go(plan + "/assessment?period=2015-Q2")
    expect("6月份报送系按时提交" in text(), "staff see the objection")
    answer = find("form[action$='/answer'] textarea[name=text]")
    answer.send_keys("经核实，维持原分。")
    submit(answer.find_element(By.XPATH, "ancestor::form"))
    expect("答复：经核实，维持原分。" in text(), f"the answer is shown ({text()[-300:]!r})")


@step("village reporter on a phone: files a report with a photo, a scan and a Word file")
def _():
    sign_in("cun1")
    size("phone")
    go("/my")
    look("my-tasks", "/my")
    size("phone")
    item = find("a[href^='/items/']").get_attribute("href").replace(BASE, "")
    go(item)
    form = find("form[enctype='multipart/form-data']")
    period = form.find_element(By.NAME, "period")
    expect(period.tag_name == "select", "the report period is chosen from the periods owed, not typed")
    if period.tag_name == "select":
        choice = Select(period)
        expect("逾期未报" in choice.options[0].text or "应于" in choice.options[0].text,
               f"the first period offered says when it was due ({choice.options[0].text})")
        choice.select_by_index(0)
    else:
        period.clear()
        period.send_keys("2015-06")
    form.find_element(By.NAME, "narrative").send_keys("手机拍照上报：现场已完工 (filed from a phone)")
    files = form.find_element(By.CSS_SELECTOR, "input[type=file]")
    expect("image" in (files.get_attribute("accept") or ""), "the evidence field offers the camera (accept=image/*)")
    # A phone photo, a 15 MB scan and a Word file, chosen together.
    files.send_keys("\n".join(os.path.join(FILES, f) for f in ["photo.jpg", "scan-15mb.pdf", "情况说明.docx"]))
    submit(form)
    expect("手机拍照上报" in text(), "the report shows on the item after filing")
    for name in ["photo.jpg", "scan-15mb.pdf", "情况说明.docx"]:
        expect(name in text(), f"{name} is listed with the report")
    expect(bool(finds(".photos img")), "the photo shows in the page")
    state["reported-item"] = item
    size("desk")
    look("item-reporter", item)


@step("staff: sets up a village and its reporter's account in pages; the reporter signs in with the password shown once")
def _():
    sign_in("duchaban")
    go("/units")
    form = find("form[action='/units'][method='post']")
    form.find_element(By.NAME, "name").send_keys("新港村")
    Select(form.find_element(By.NAME, "kind")).select_by_value("village")
    government = Select(form.find_element(By.NAME, "parent")).first_selected_option.text
    expect("镇" in government, f"a new unit goes under the office's own government by default ({government})")
    submit(form)
    expect("新港村" in text() and "/units/" in here(), f"the unit is made and its page opens ({here()})")
    look("unit")
    look("units", "/units")
    go("/people")
    form = find("form[action='/people'][method='post']")
    form.find_element(By.NAME, "username").send_keys("xingang")
    form.find_element(By.NAME, "displayName").send_keys("新港村 填报员 陈静")
    Select(form.find_element(By.NAME, "role")).select_by_value("reporter")
    Select(form.find_element(By.NAME, "organization")).select_by_visible_text("新港村")
    submit(form)
    expect("账号已建立" in text(), f"the account is made ({text()[:120]!r})")
    secret = find("code.secret").text.strip()
    expect(len(secret) == 16, "the first password is shown, once")
    driver.save_screenshot(os.path.join(SHOTS, "password-issued-desk-zh.png"))
    look("people", "/people")
    person = [a for a in finds("a[href^='/people/']") if "陈静" in a.text]
    expect(bool(person), "the new account is listed by its name")
    if person:
        look("person", person[0].get_attribute("href").replace(BASE, ""))
    sign_in("xingang", password=secret)
    expect("/my" in here(), f"the new reporter lands on their tasks ({here()})")
    sign_in("duchaban")
    go("/audit")
    expect("新增单位" in text() and "新增账号" in text(), "setting up is in the audit log")
    expect("督查办 王芳" in text(), "the audit log names people, not login names")


@step("staff: assigns two items through the form")
def _():
    go("/assign")
    form = find("form[action='/assign'][method='post']")
    boxes = form.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name='items[]']")[:2]
    for box in boxes:
        box.click()
    Select(form.find_element(By.NAME, "leader")).select_by_index(2)
    form.find_element(By.NAME, "person").send_keys("刘洋")
    submit(form)
    expect("已更新 2 项的分解" in text(), f"the change says what it changed ({text()[:200]!r})")


@step("staff: the 分解表 prints to PDF with its rows")
def _():
    go("/assign")
    titles = [a.text.strip() for a in finds("form[method='post'] table a[href^='/items/']")][:5]
    import base64 as b64
    import io

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(b64.b64decode(driver.print_page())))
    # Fonts map some characters to look-alikes (⼭ for 山): compare in NFKC, without line breaks.
    import unicodedata

    def plain(t: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))

    printed = plain("".join(page.extract_text() or "" for page in pdf.pages))
    expect(len(pdf.pages) > 1, f"the 分解表 prints on more than its title's page ({len(pdf.pages)} pages)")
    # A few characters still differ after NFKC (⼾ reads as 戶, not 户): a row is there when 8 of its
    # first characters in a row are.
    import difflib

    for t in titles:
        row = plain(t)[:16]
        hit = difflib.SequenceMatcher(None, row, printed, autojunk=False).find_longest_match(0, len(row), 0, len(printed))
        expect(hit.size >= min(8, len(row)), f"the printed 分解表 has the row {t[:20]!r}")


@step("staff: accepts the waiting reports of one unit together")
def _():
    go("/reviews")
    # The unit of the oldest waiting report: it has at least one.
    first_unit = find("form#bulk-accept").find_element(By.XPATH, "preceding::table[1]//tbody/tr[1]/td[4]").text.strip()
    Select(find("select[name=unit]")).select_by_visible_text(first_unit)
    submit(find("form.filters"))
    count = len(finds("input[form='bulk-accept']"))
    [a for a in finds("a") if "全选本页" in a.text][0].click()
    ticked = len([b for b in finds("input[form='bulk-accept']") if b.is_selected()])
    expect(ticked == count, f"select all ticks every report on the page ({ticked} of {count})")
    if count:
        submit(find("form#bulk-accept"))
        expect(f"已采纳 {count} 份报送" in text(), f"the queue says what was accepted ({text()[:160]!r})")


@step("staff: finds things from the header's search box; reminds two lead units at once")
def _():
    go("/plans")
    box = find("form.search input[name=q]")
    box.send_keys("停车位")
    submit(box.find_element(By.XPATH, "ancestor::form"))
    expect("停车位" in text() and bool(finds("a[href^='/items/']")), "searching finds the item by its words")
    look("search")
    go("/notices/new")
    boxes = finds("input[form='bulk'][name='items[]']")[:2]
    for box in boxes:
        box.click()
    find("input[name=note]").send_keys("请本周内报送")
    find("button[name=action][value=remind]").click()
    time.sleep(0.5)
    expect("已催报 2 项" in text(), f"the reminders are sent and listed ({text()[:160]!r})")


@step("leader: reads his own portfolio first")
def _():
    sign_in("zhenzhang")
    go("/")
    expect("/portfolio" in here(), f"a leader's home is the portfolio ({here()})")
    expect("陈建国的分管任务" in text() and "需要关注" in text(), "the portfolio names the leader and what needs attention")
    expect("分管" in text(), "the leader's 分管 is shown")
    look("portfolio")


@step("leader: reads the plan")
def _():
    sign_in("zhenzhang")
    go(state.get("plan", "/plans"))
    look("overview-leader")
    go("/notices")
    look("notices-leader", "/notices")


@step("staff: releases the plan to the public; anyone reads it without an account, on a desk and on a phone")
def _():
    sign_in("duchaban")
    go(state["plan"])
    form = find("form[action$='/release']")
    form.find_element(By.NAME, "note").send_keys("首次向社会公开")
    submit(form)
    public = here()
    expect(public.startswith("/public/plans/"), f"releasing leads to the public page ({public})")
    # A citizen: no account, no cookie.
    if finds("form[action='/logout']"):
        submit(find("form[action='/logout']"))
    driver.delete_all_cookies()
    go(public)
    expect("主要预期目标" in text() and "首次向社会公开" in text(), f"the public page shows the plan ({text()[:200]!r})")
    expect(not finds("form[action='/logout']"), "nobody is signed in")
    expect(not driver.get_cookies(), f"the public site sets no cookie ({driver.get_cookies()})")
    look("public-plan", public)
    item = find("table.list a[href*='/items/']").get_attribute("href").replace(BASE, "")
    go(item)
    state["public_item"] = item
    expect("计划原文" in text() and finds("svg.chart"), "an item's page: its words and its chart")
    look("public-item", item)
    look("public-index", "/public")
    look("public-data", "/public/data")
    size("phone")
    go(public)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    expect(width <= 400, f"the public page fits a phone's width ({width} px)")
    # On the phone, a citizen leaves feedback on the item, answering the question of the day.
    go(item)
    numerals = {c: i for i, c in enumerate("零一二三四五六七八九十")}
    question = find("label[for=fb-answer]").text
    m = re.match(r"(.)加(.)等于几", question)
    expect(bool(m), f"the form asks a question ({question!r})")
    # Long, as people write: 1,900 characters are 17 KB once a browser has percent-encoded them.
    find("#fb-text").send_keys("路口的路灯晚上不亮，请尽快修复。" + "附近居民晚归时看不清路面。" * 145)
    find("#fb-contact").send_keys("13800138000")
    # With a photo from the phone's camera.
    find("#fb-photo").send_keys(os.path.join(FILES, "photo.jpg"))
    find("#fb-answer").send_keys(str(numerals[m.group(1)] + numerals[m.group(2)]) if m else "0")
    submit(find("#fb-text").find_element(By.XPATH, "ancestor::form"))
    expect("谢谢" in text(), f"the feedback is received ({text()[:120]!r})")
    size("desk")
    # Staff publish it to the item's unit; it shows under the item, the phone number never.
    sign_in("duchaban")
    go("/feedback")
    look("feedback-staff", "/feedback")
    # Loaded lazily: brought into view, then given a moment.
    if finds(".photos img"):
        driver.execute_script("document.querySelector('.photos img').scrollIntoView()")
        time.sleep(0.5)
    shown = driver.execute_script(
        "const i = document.querySelector('.photos img'); return i ? i.complete && i.naturalWidth : 0")
    expect(bool(shown), f"staff see the citizen's photo ({shown})")
    submit(find("form[action$='/moderate'] input[value=publish]").find_element(By.XPATH, "ancestor::form"))
    driver.delete_all_cookies()
    go(item)
    expect("路灯晚上不亮" in text() and "13800138000" not in driver.page_source, "published feedback, no contact")
    expect("/photo" not in driver.page_source, "the photo is not on the public page")


@step("a citizen follows an item by e-mail: the mail's link confirms it; a mail program's one-click unsubscribe stops it")
def _():
    import email
    import email.policy
    import glob
    import urllib.request

    item = state["public_item"]
    driver.delete_all_cookies()
    go(item)
    numerals = {c: i for i, c in enumerate("零一二三四五六七八九十")}
    m = re.match(r"(.)加(.)等于几", find("label[for=fl-answer]").text)
    find("#fl-email").send_keys("citizen@example.cn")
    find("#fl-answer").send_keys(str(numerals[m.group(1)] + numerals[m.group(2)]) if m else "0")
    submit(find("#fl-email").find_element(By.XPATH, "ancestor::form"))
    expect("请查收确认邮件" in text(), f"asked to check the mail ({text()[:120]!r})")
    # The confirmation, as the relay received it over SMTP (Python's smtpd, in Scripts/e2e.sh).
    message = None
    for _ in range(40):
        for path in sorted(glob.glob(os.path.join(FILES, "mail", "*.eml"))):
            m = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
            if "citizen@example.cn" in str(m["To"]):
                message = m
        if message:
            break
        time.sleep(0.25)
    expect(message is not None, "the confirmation mail reached the relay")
    if not message:
        return
    body = message.get_body().get_content()
    link = re.search(r"https?://\S+/public/follow/\S+", body)
    expect("请确认关注" in str(message["Subject"]) and link, f"a confirmation with its link ({body[:200]!r})")
    unsubscribe = str(message["List-Unsubscribe"] or "").strip("<>")
    # The demo serves plain http: the header is there, the one-click promise (https only, RFC 8058) is not.
    expect("/public/follow/" in unsubscribe and message["List-Unsubscribe-Post"] is None,
           f"the unsubscribe header ({unsubscribe!r}, {message['List-Unsubscribe-Post']!r})")
    path = "/public/follow/" + link.group(0).split("/public/follow/", 1)[1]
    go(path)
    expect("待确认" in text(), f"the link's page asks to confirm ({text()[:160]!r})")
    look("public-follow", path)
    submit(find("input[value=confirm]").find_element(By.XPATH, "ancestor::form"))
    expect("关注中" in text(), f"confirmed ({text()[:160]!r})")
    # A mail program's one click: a POST to the header's address, no browser, no cookie.
    request = urllib.request.Request(
        BASE + "/public/follow/" + unsubscribe.split("/public/follow/", 1)[1],
        data=b"List-Unsubscribe=One-Click", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request) as answer:
        expect(answer.status == 200, f"one-click unsubscribe answered {answer.status}")
    go(path)
    expect("邮箱已从本站删除" in text(), f"stopped, the address erased ({text()[:160]!r})")


@step("staff: drafts the half-year report to the 人大 from the data, edits it, issues it; the public reads it")
def _():
    sign_in("duchaban")
    plan_id = state["plan"].rsplit("/", 1)[-1]
    go(f"/plans/{plan_id}/congress?period=2015-H1")
    submit(find("form[action*='/congress'] input[value=draft]").find_element(By.XPATH, "ancestor::form"))
    expect("主要目标" in text() and finds("#cr-other"), f"a draft in four parts ({text()[:160]!r})")
    look("congress-draft")
    find("#cr-other").send_keys("镇人大主席团交办的建议已全部办复。")
    submit(find("#cr-other").find_element(By.XPATH, "ancestor::form"))
    submit(find("form[action*='/congress'] input[value=issue]").find_element(By.XPATH, "ancestor::form"))
    expect("已印发" in text(), "the report is issued")
    driver.delete_all_cookies()
    go(f"/public/plans/{plan_id}/congress/2015-H1")
    expect("镇人大主席团交办的建议已全部办复" in text(), f"the public reads the issued report ({text()[:120]!r})")
    look("congress-public")


@step("deputy: reads the plan, cannot write")
def _():
    sign_in("daibiao")
    go(state.get("plan", "/plans"))
    expect(not finds("form[action$='/publish'], form[action$='/close']"), "a deputy sees no publish or close buttons")
    look("overview-deputy")
    look("portfolio-deputy", "/portfolio")


@step("a county set up above the town from a sheet: its office sees the towns' standing, opens the town's plan, "
      "filters notices by town; the town's office no longer sees above itself")
def _():
    import subprocess

    sign_in("duchaban")
    go("/notices?state=all")
    notices = len(finds("table tbody tr"))
    # The county's sheet as an office keeps it: the county, the demo town under it (set up without a code,
    # it takes the sheet's), and a second town.
    sheet = os.path.join(FILES, "区划.csv")
    with open(sheet, "w", encoding="utf-8") as f:
        f.write("名称,统计用区划代码,上级,类型\n海门县,320684000000,,县\n"
                "张芝山镇人民政府,320684104000,320684000000,镇\n三厂镇人民政府,320684105000,320684000000,镇\n")
    go("/units")
    form = find("form[action='/units/import']")
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(sheet)
    submit(form)
    expect("新增 2 个，更新 1 个" in text(), f"the sheet adds the county and a town, moves the demo town ({text()[:200]!r})")
    # The town's office reaches its town only now: the county is not on its pages.
    go("/units")
    expect("张芝山镇人民政府" in text() and "海门县" not in text(), f"the town's office sees its town ({text()[:200]!r})")
    # The county's first account, as an operator makes it on the server (the county is above every office).
    made = subprocess.run(
        [os.environ["LUOSHI_E2E_BIN"], "user", "add", "xian-dcs", "--role", "admin", "--name", "海门县督查室 刘洋",
         "--unit", "320684000000", "--data", os.environ["LUOSHI_E2E_DATA"]],
        capture_output=True, text=True, timeout=120)
    secret = re.search(r"密码 (\S+?)（", made.stdout)
    expect(made.returncode == 0 and secret, f"the county's account is made ({made.stdout!r} {made.stderr[-300:]!r})")
    if not secret:
        return
    sign_in("xian-dcs", password=secret.group(1))
    go("/standing")
    rows = [r.text for r in finds("table tbody tr")]
    expect(any("张芝山镇人民政府" in r for r in rows) and any("三厂镇人民政府" in r and "尚无本年计划" in r for r in rows),
           f"the county's roll-up lists both towns, the second without a plan ({rows!r})")
    look("standing-county", "/standing")
    plan_link = [a for a in finds("table tbody a[href^='/plans/']")]
    expect(bool(plan_link), "the town's row opens its plan")
    if plan_link:
        plan_link[0].click()
        time.sleep(0.3)
        expect("/plans/" in here() and finds("h1"), f"the county's office reads the town's plan ({here()})")
    # The notice list spans the county; choosing a town narrows it to the town and everything under it.
    go("/notices?state=all")
    everything = len(finds("table tbody tr"))
    unit = Select(find("#unit"))
    towns = [o.text for o in unit.options]
    expect("张芝山镇人民政府" in towns and "三厂镇人民政府" in towns and not any("村" in t for t in towns),
           f"the unit filter offers the county's towns, not their villages ({towns!r})")
    unit.select_by_visible_text("张芝山镇人民政府")
    submit(find("#unit").find_element(By.XPATH, "ancestor::form"))
    mine = len(finds("table tbody tr"))
    expect(mine == everything == notices and "unit=" in here(),
           f"the demo town's notices, all of them ({mine} of {everything}; the town saw {notices})")
    look("notices-county-town")
    labels = [o.text for o in Select(find("#unit")).options]
    expect(any("村" in t for t in labels), f"a town chosen, its units are offered ({labels[:6]!r})")
    # Back up to the county (the way up is offered), then the second town: no notices there yet.
    Select(find("#unit")).select_by_visible_text("海门县")
    submit(find("#unit").find_element(By.XPATH, "ancestor::form"))
    Select(find("#unit")).select_by_visible_text("三厂镇人民政府")
    submit(find("#unit").find_element(By.XPATH, "ancestor::form"))
    expect("没有督办单" in text(), f"the second town has no notices ({text()[:200]!r})")


driver.quit()
print(f"\n{passed} expectations held; {len(failures)} failed; {len(checked_pages)} pages looked at, "
      f"{len(os.listdir(SHOTS))} screenshots in {SHOTS}"
      + (f"; sign-ins that needed a second try: {', '.join(retried_sign_ins)}" if retried_sign_ins else ""))
for f in failures:
    print("  - " + f)
sys.exit(1 if failures else 0)
