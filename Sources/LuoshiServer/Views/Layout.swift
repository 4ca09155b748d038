import Fluent
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
                nav.append(("/notices", lang.t("督办单", "Notices")))
                nav.append(("/channels", lang.t("通知渠道", "Channels")))
                nav.append(("/audit", lang.t("审计日志", "Audit log")))
            case .reporter:
                nav.append(("/my", lang.t("我的任务", "My tasks")))
                nav.append(("/notices", lang.t("督办单", "Notices")))
            case .leader, .deputy:
                nav.append(("/notices", lang.t("督办单", "Notices")))
            }
        }
        var navHTML = nav.map { "<a href=\"\($0.0)\">\(h($0.1))</a>" }.joined()
        if user != nil {
            let unread = req.storage[UnreadCountKey.self] ?? 0
            navHTML +=
                "<a href=\"/inbox\">\(lang.t("消息", "Inbox"))\(unread > 0 ? " <span class=count aria-label=\"\(unread) \(lang.t("条未读", "unread"))\">\(unread)</span>" : "")</a>"
        }
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
/// The signed-in user's unread messages, counted once per page request (see `UnreadCountMiddleware`).
struct UnreadCountKey: StorageKey { typealias Value = Int }

/// Counts unread messages for the header of every page a signed-in person opens; API calls and assets
/// skip it.
struct UnreadCountMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method == .GET, let user = req.auth.get(User.self), !req.url.path.hasPrefix("/api/"),
            !req.url.path.hasPrefix("/assets/")
        {
            let cache = req.application.snapshots
            if let count = await cache.unreadCount(user.id!) {
                req.storage[UnreadCountKey.self] = count
            } else {
                let count = try await Inbox.unread(user, on: req.db)
                await cache.setUnreadCount(user.id!, count)
                req.storage[UnreadCountKey.self] = count
            }
        }
        return try await next.respond(to: req)
    }
}

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
        .badge.blue{background:#1f5fbf}
        .inbox{list-style:none;padding:0}.inbox li{border-bottom:1px solid #ddd;padding:8px 0}.inbox li.unread{font-weight:500;background:#f4f8ff}
        .count{display:inline-block;min-width:18px;padding:0 5px;border-radius:9px;background:var(--red);color:#fff;font-size:12px;text-align:center}
        .timeline{font-size:14px}.facts dt{font-weight:600;margin-top:6px}.facts dd{margin:0 0 0 1em}
        .paper{max-width:760px;margin:0 auto;background:#fff;padding:24px 40px;font-family:"FangSong","仿宋",serif;font-size:17px;line-height:1.8}
        .masthead{text-align:center;border-bottom:3px solid #c00000;margin-bottom:18px}.masthead h1{color:#c00000;font-size:30px;letter-spacing:4px;margin:0}
        .masthead p{margin:2px 0}.indent{text-indent:2em}.center{text-align:center}.signature{text-align:right;margin-top:32px}
        .paper table{width:100%;border-collapse:collapse}.paper th,.paper td{border:1px solid #000;padding:2px 6px;font-size:14px}
        tr.total td{font-weight:600}
        @media print{.top,.banner,footer,form,.noprint{display:none}body{background:#fff}.paper{padding:0;max-width:none}}
        """
}
