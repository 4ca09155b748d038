import Foundation
import LuoshiCore
import Vapor

/// The frame of every page: header with the user and the navigation, the demo banner, the footer.
enum Layout {
    static func page(_ req: Request, title: String, body: String) -> String {
        let lang = Lang(req)
        let user = req.auth.get(User.self)
        var nav: [(String, String)] = []
        if let user {
            nav.append(("/plans", lang.t("计划", "Plans")))
            switch user.role {
            case .admin:
                nav.append(("/assign", lang.t("分解任务", "Assign")))
                nav.append(("/reviews", lang.t("审核报送", "Reviews")))
                nav.append(("/audit", lang.t("审计日志", "Audit log")))
            case .reporter:
                nav.append(("/my", lang.t("我的任务", "My tasks")))
            case .leader, .deputy:
                break
            }
        }
        let navHTML = nav.map { "<a href=\"\($0.0)\">\(h($0.1))</a>" }.joined()
        let account: String
        if let user {
            account = """
                <span class="who">\(h(user.displayName)) · \(h(lang.t(user.role.chinese, user.role.rawValue)))</span>
                <form method="post" action="/logout" class="inline">\(csrfField(req))<button class="link">\(lang.t("退出", "Sign out"))</button></form>
                """
        } else {
            account = "<a href=\"/login\">\(lang.t("登录", "Sign in"))</a>"
        }
        let banner: String
        if let fixed = req.application.luoshi.fixedNow {
            banner =
                "<div class=\"banner\">\(lang.t("演示环境 · 系统时间", "Demo · the app's date is")) \(Format.date(fixed))</div>"
        } else {
            banner = ""
        }
        // Signed in, the choice is remembered; otherwise it holds for the page.
        let switchLang: String
        if user != nil {
            switchLang = """
                <form method="post" action="/account/language" class="inline">\(csrfField(req))<input type="hidden" name="language" value="\(lang.english ? "zh" : "en")"><button class="link">\(lang.english ? "中文" : "English")</button></form>
                """
        } else {
            switchLang = lang.english ? "<a href=\"?lang=zh\">中文</a>" : "<a href=\"?lang=en\">English</a>"
        }
        return """
            <!DOCTYPE html>
            <html lang="\(lang.english ? "en" : "zh-CN")">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(h(title)) · 落实</title><link rel="stylesheet" href="/assets/app.css"></head>
            <body>
            \(banner)
            <header class="top"><a class="brand" href="/">落实 <small>Luoshi</small></a><nav>\(navHTML)</nav>
            <div class="account">\(account) \(switchLang)</div></header>
            <main>
            \(body)
            </main>
            <footer>落实 Luoshi · \(lang.t("年度工作计划落实系统", "carrying out the annual work plan"))</footer>
            </body></html>
            """
    }

    static func csrfField(_ req: Request) -> String {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(h(CSRF.token(req)))\">"
    }

    static func statusBadge(_ s: ItemStatus, _ lang: Lang) -> String {
        "<span class=\"badge \(s.colour.rawValue)\">\(h(lang.t(s.chinese, s.rawValue)))</span>"
    }

    static func progressBar(_ progress: Double?, expected: Double?, colour: StatusColour) -> String {
        let p = Int(((progress ?? 0) * 100).rounded())
        let e = Int(((expected ?? 0) * 100).rounded())
        return """
            <span class="bar \(colour.rawValue)" role="img" aria-label="进度 \(p)%，应达 \(e)%"><span style="width:\(p)%"></span><i style="left:\(e)%"></i></span>
            """
    }
}

/// The stylesheet, served by the app itself (no CDN: users' networks are often closed).
enum Assets {
    static let css = """
        :root{--red:#c62828;--yellow:#e0a100;--green:#2e7d32;--ink:#1d1d1f;--muted:#666;--line:#ddd;--bg:#fafaf7}
        *{box-sizing:border-box}body{margin:0;font:15px/1.6 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg)}
        a{color:#0b57a4}main{max-width:1180px;margin:0 auto;padding:16px}
        .top{display:flex;gap:16px;align-items:center;flex-wrap:wrap;padding:8px 16px;background:#8b1a1a;color:#fff}
        .top a{color:#fff;text-decoration:none;margin-right:12px}.brand{font-weight:700;font-size:18px}.brand small{font-weight:400;opacity:.8}
        .account{margin-left:auto}.who{margin-right:8px}.inline{display:inline}button.link{background:none;border:0;color:#fff;text-decoration:underline;cursor:pointer;font:inherit}
        .banner{background:#fff3cd;color:#5c4400;text-align:center;padding:4px;font-size:13px}
        footer{color:var(--muted);text-align:center;font-size:12px;padding:24px}
        h1{font-size:22px;margin:8px 0 12px}h2{font-size:18px;margin:20px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{background:#f1efe8}
        .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}.badge.green{background:var(--green)}.badge.yellow{background:var(--yellow);color:#222}.badge.red{background:var(--red)}
        .bar{display:inline-block;position:relative;width:160px;height:10px;background:#e6e6e6;border-radius:5px;vertical-align:middle}.bar>span{position:absolute;left:0;top:0;bottom:0;border-radius:5px}
        .bar.green>span{background:var(--green)}.bar.yellow>span{background:var(--yellow)}.bar.red>span{background:var(--red)}.bar>i{position:absolute;top:-3px;bottom:-3px;width:2px;background:#333}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px}
        .counts span{margin-right:8px;font-size:13px}.muted{color:var(--muted)}.num{text-align:right;white-space:nowrap}
        form.stack label{display:block;margin:8px 0 2px}input,select,textarea{font:inherit;padding:4px 6px;border:1px solid #bbb;border-radius:4px;max-width:100%}textarea{width:100%;min-height:80px}
        button,.button{background:#8b1a1a;color:#fff;border:0;border-radius:4px;padding:6px 14px;font:inherit;cursor:pointer;text-decoration:none}
        .review{display:grid;grid-template-columns:1fr 1fr;gap:16px}.source{white-space:pre-wrap;background:#fff;border:1px solid var(--line);padding:12px;max-height:80vh;overflow:auto;font-size:14px}
        mark{background:#ffe066}.tree ul{list-style:none;padding-left:16px}.tree a.sel{font-weight:700}
        .error{text-align:center;padding:40px}.flash{background:#e8f5e9;border:1px solid #a5d6a7;padding:8px;margin:8px 0}
        .timeline li{margin-bottom:8px}.quote{border-left:4px solid #ccc;padding-left:8px;color:#444}
        @media (max-width:720px){.review{grid-template-columns:1fr}.bar{width:100px}table{font-size:13px}}
        @media print{.top,.banner,footer,form{display:none}body{background:#fff}}
        """
}
