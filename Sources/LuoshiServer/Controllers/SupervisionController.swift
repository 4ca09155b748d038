import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Pages of supervision: notices (督办单) and their print and Word forms, the inbox, a plan's rules, the
/// notification channels and their delivery log, the monthly bulletin.
struct SupervisionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notices", use: list)
        routes.get("notices", "new", use: newForm)
        routes.post("notices", use: issue)
        routes.get("notices", ":noticeID", use: show)
        routes.get("notices", ":noticeID", "print", use: printable)
        routes.get("notices", ":noticeID", "docx", use: docx)
        for action in NoticeAction.allCases {
            // A response may carry evidence files.
            routes.on(
                .POST, "notices", ":noticeID", .constant(Self.path(action)),
                body: .collect(maxSize: action == .respond ? "60mb" : "1mb")
            ) {
                req in
                try await act(action, req: req)
            }
        }
        routes.get("notice-evidence", ":evidenceID", use: evidence)
        routes.get("inbox", use: inbox)
        routes.post("inbox", ":messageID", "read", use: markRead)
        routes.post("inbox", "read-all", use: markAllRead)
        routes.get("plans", ":planID", "supervision", use: rules)
        routes.post("plans", ":planID", "supervision", use: saveRules)
        routes.get("channels", use: channels)
        routes.post("channels", use: addChannel)
        routes.post("channels", ":channelID", "toggle", use: toggleChannel)
        routes.get("plans", ":planID", "bulletin", use: bulletin)
        routes.get("plans", ":planID", "bulletin.docx", use: bulletinDocx)
    }

    static func path(_ action: NoticeAction) -> String { action == .sendBack ? "return" : action.rawValue }

    static func levelBadge(_ level: NoticeLevel, _ lang: Lang) -> String {
        let css = ["blue": "blue", "yellow": "yellow", "red": "red"][level.rawValue]!
        return "<span class=\"badge \(css)\">\(h(lang.t(level.chinese + "督办", level.rawValue)))</span>"
    }

    // MARK: notices

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let state = req.query[String.self, at: "state"] ?? "open"
        let level = req.query[String.self, at: "level"].flatMap(NoticeLevel.init(rawValue:))
        let notices = try await Notices.list(
            for: user, open: state == "all" ? nil : state == "closed" ? false : true, level: level, on: req.db)
        var rows = ""
        for n in notices {
            rows += """
                <tr><td><a href="/notices/\(n.id!)">\(h(n.number))</a></td><td>\(Self.levelBadge(n.level, lang))</td>
                <td><a href="/items/\(n.$item.id)">\(h(String(n.item.title.prefix(40))))</a></td><td>\(h(n.unit.name))</td>
                <td>\(h(lang.t(n.state.chinese, n.state.rawValue)))\(n.escalation > 0 ? " · <span class=\"badge red\">\(lang.t(n.escalation == 1 ? "已报挂钩领导" : "已报主要领导", "escalated"))</span>" : "")</td>
                <td>\(Format.date(n.respondBy))</td><td>\(n.triggerKey == nil ? lang.t("人工", "by hand") : lang.t("自动", "automatic"))</td></tr>
                """
        }
        let filters = ["open": lang.t("在办", "Open"), "closed": lang.t("已办结", "Closed"), "all": lang.t("全部", "All")]
            .sorted { $0.key > $1.key }
            .map {
                "<a href=\"/notices?state=\($0.key)\"\(state == $0.key ? " aria-current=page" : "")>\(h($0.value))</a>"
            }
            .joined(separator: " · ")
        return html(
            req, title: lang.t("督办单", "Supervision notices"),
            """
            <h1>\(lang.t("督办单", "Supervision notices"))</h1><p>\(filters)</p>
            \(user.role == .admin ? "<p><a class=button href=\"/notices/new\">\(lang.t("发督办单", "Issue a notice"))</a></p>" : "")
            <table><thead><tr><th>\(lang.t("文号", "Number"))</th><th>\(lang.t("等级", "Level"))</th><th>\(lang.t("事项", "Item"))</th><th>\(lang.t("单位", "Unit"))</th><th>\(lang.t("状态", "State"))</th><th>\(lang.t("反馈期限", "Respond by"))</th><th>\(lang.t("来源", "Source"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=7>\(lang.t("没有督办单", "No notices"))</td></tr>" : rows)</tbody></table>
            """)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let lang = Lang(req)
        let item = try await PlanStore.findItem(req.query[String.self, at: "item"], on: req.db)
        let assignment = try await Assignment.query(on: req.db).filter(\.$item.$id == item.id!).with(\.$leadUnit)
            .first()
        let units = try await Organization.query(on: req.db).sort(\.$name).all()
        let options = units.map {
            "<option value=\"\($0.id!)\"\($0.id == assignment?.$leadUnit.id ? " selected" : "")>\(h($0.name))</option>"
        }.joined()
        let levels = NoticeLevel.allCases.map {
            "<label><input type=radio name=level value=\($0.rawValue)\($0 == .yellow ? " checked" : "")> \(h($0.chinese))</label>"
        }.joined(separator: " ")
        return html(
            req, title: lang.t("发督办单", "Issue a notice"),
            """
            <h1>\(lang.t("发督办单", "Issue a notice"))</h1><p><a href="/items/\(item.id!)">\(h(item.title))</a></p>
            <form method=post action="/notices">\(Layout.csrfField(req))<input type=hidden name=item value="\(item.id!)">
            <label for=unit>\(lang.t("督办单位", "Unit"))</label><select id=unit name=unit>\(options)</select>
            <fieldset><legend>\(lang.t("督办等级", "Level"))</legend>\(levels)</fieldset>
            <label for=reason>\(lang.t("督办事由", "Reason"))</label><textarea id=reason name=reason required maxlength=2000></textarea>
            <label for=requiredAction>\(lang.t("办理要求", "Required action"))</label><textarea id=requiredAction name=requiredAction required maxlength=2000></textarea>
            <label for=respondBy>\(lang.t("反馈期限（留空按等级默认）", "Respond by (empty: the level's default)"))</label><input id=respondBy name=respondBy type=date>
            <button>\(lang.t("发出", "Issue"))</button></form>
            """)
    }

    @Sendable func issue(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let input = try req.content.decode(Notices.Issue.self)
        let notice = try await Notices.issue(input, by: user, on: req.store, now: req.now)
        return req.redirect(to: "/notices/\(notice.id!)", redirectType: .normal)
    }

    /// A step's words and, for a response, its evidence files (a form, or a JSON body without files).
    struct ActForm: Content {
        var text: String?
        var evidence: [File]?
    }

    static func act(_ action: NoticeAction, req: Request) async throws -> SupervisionNotice {
        let user = try req.user()
        let form = req.body.data == nil ? ActForm(text: nil, evidence: nil) : try req.content.decode(ActForm.self)
        return try await Notices.act(
            action, on: req.parameters.get("noticeID"), text: form.text,
            evidence: try EvidenceStore.check(form.evidence ?? []),
            evidenceDirectory: req.application.luoshi.evidenceDirectory, by: user, on: req.store, now: req.now)
    }

    func act(_ action: NoticeAction, req: Request) async throws -> Response {
        let notice = try await Self.act(action, req: req)
        return req.redirect(to: "/notices/\(notice.id!)", redirectType: .normal)
    }

    @Sendable func evidence(req: Request) async throws -> Response {
        let user = try req.user()
        guard let id = req.parameters.get("evidenceID").flatMap(UUID.init(uuidString:)),
            let file = try await NoticeEvidence.query(on: req.db).filter(\.$id == id).with(\.$notice).first()
        else { throw LuoshiError.notFound(entity: "证明材料", id: req.parameters.get("evidenceID") ?? "") }
        guard Notices.mayRead(user, file.notice) else { throw LuoshiError.forbidden(reason: "无权查看该证明材料") }
        return try EvidenceStore.download(
            id, filename: file.filename, contentType: file.contentType,
            directory: req.application.luoshi.evidenceDirectory)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let n = try await Notices.find(req.parameters.get("noticeID"), for: user, on: req.db)
        let history = try await Notices.history(of: n, on: req.db)
        let files = try await NoticeEvidence.query(on: req.db).filter(\.$notice.$id == n.id!).sort(\.$uploadedAt).all()
        let fileLinks = files.map {
            "<li><a href=\"/notice-evidence/\($0.id!)\">\(h($0.filename))</a> <span class=muted>\(Format.date($0.uploadedAt))</span></li>"
        }.joined()
        var steps = ""
        for e in history {
            let text = (try? JSONDecoder().decode([String: String].self, from: Data((e.after ?? "{}").utf8)))?["text"]
            steps +=
                "<li>\(Format.date(e.at)) · \(h(e.actor)) · \(h(Self.stepName(e.action, lang)))\(text.map { $0.isEmpty ? "" : "：" + h($0) } ?? "")</li>"
        }
        var forms = ""
        let csrf = Layout.csrfField(req)
        if Notices.isUnit(user, of: n) {
            if n.state == .issued {
                forms +=
                    "<form method=post action=\"/notices/\(n.id!)/sign\">\(csrf)<button>\(lang.t("签收", "Sign for it"))</button></form>"
            }
            if n.state == .issued || n.state == .signed {
                forms += """
                    <form method=post action="/notices/\(n.id!)/respond" enctype="multipart/form-data">\(csrf)<label for=text>\(lang.t("办理情况", "What was done"))</label>
                    <textarea id=text name=text required maxlength=10000></textarea>
                    <label for=files>\(lang.t("证明材料（可多选）", "Evidence files"))</label><input id=files name="evidence[]" type=file multiple>
                    <button>\(lang.t("反馈", "Respond"))</button></form>
                    """
            }
        }
        if user.role == .admin && n.state.isOpen {
            if n.state == .responded {
                forms += """
                    <form method=post action="/notices/\(n.id!)/return">\(csrf)<label for=back>\(lang.t("退回理由", "Why it goes back"))</label>
                    <textarea id=back name=text required></textarea><button class=secondary>\(lang.t("退回", "Send back"))</button></form>
                    """
            }
            forms += """
                <form method=post action="/notices/\(n.id!)/close">\(csrf)<label for=note>\(lang.t("办结意见", "Closing note"))</label>
                <textarea id=note name=text></textarea><button>\(lang.t("办结", "Close"))</button></form>
                """
        }
        return html(
            req, title: n.number,
            """
            <p class=muted><a href="/notices">\(lang.t("督办单", "Notices"))</a></p>
            <h1>\(h(n.number)) \(Self.levelBadge(n.level, lang))</h1>
            <dl class=facts>
            <dt>\(lang.t("事项", "Item"))</dt><dd><a href="/items/\(n.$item.id)">\(h(n.item.title))</a></dd>
            <dt>\(lang.t("督办单位", "Unit"))</dt><dd>\(h(n.unit.name))</dd>
            <dt>\(lang.t("督办事由", "Reason"))</dt><dd>\(h(n.reason))</dd>
            <dt>\(lang.t("办理要求", "Required action"))</dt><dd>\(h(n.requiredAction))</dd>
            <dt>\(lang.t("反馈期限", "Respond by"))</dt><dd>\(Format.date(n.respondBy))</dd>
            <dt>\(lang.t("状态", "State"))</dt><dd>\(h(lang.t(n.state.chinese, n.state.rawValue)))\(n.escalation > 0 ? " · " + lang.t(n.escalation == 1 ? "逾期未反馈，已报挂钩领导" : "逾期未反馈，已报主要领导", "escalated") : "")</dd>
            \(n.response.map { "<dt>\(lang.t("办理情况", "Response"))</dt><dd>\(h($0))</dd>" } ?? "")
            \(n.returnReason.map { "<dt>\(lang.t("退回理由", "Sent back"))</dt><dd>\(h($0))</dd>" } ?? "")
            \(fileLinks.isEmpty ? "" : "<dt>\(lang.t("证明材料", "Evidence"))</dt><dd><ul>\(fileLinks)</ul></dd>")
            </dl>
            <p><a href="/notices/\(n.id!)/print">\(lang.t("打印", "Print"))</a> · <a href="/notices/\(n.id!)/docx">\(lang.t("下载 Word", "Download .docx"))</a></p>
            \(forms)
            <h2>\(lang.t("办理过程", "Steps"))</h2><ol class=timeline>\(steps)</ol>
            """)
    }

    static func stepName(_ action: String, _ lang: Lang) -> String {
        let names = [
            "notice.issue": ("发出", "issued"), "notice.sign": ("签收", "signed for"),
            "notice.respond": ("反馈", "responded"),
            "notice.sendBack": ("退回", "sent back"), "notice.close": ("办结", "closed"),
            "notice.escalate": ("逾期升级", "escalated"), "notice.supersede": ("被更高等级督办单取代", "superseded"),
        ]
        return names[action].map { lang.t($0.0, $0.1) } ?? action
    }

    /// The notice on one printed page, with the office's masthead.
    @Sendable func printable(req: Request) async throws -> Response {
        let user = try req.user()
        let n = try await Notices.find(req.parameters.get("noticeID"), for: user, on: req.db)
        let plan = try await PlanStore.find(n.$plan.id.uuidString, on: req.db)
        let body = """
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>\(h(n.number))</title>
            <link rel="stylesheet" href="/assets/app.css"></head><body class="paper">
            <header class="masthead"><h1>\(h(plan.issuer ?? ""))督查督办通知单</h1><p>\(h(n.number))</p></header>
            <p>\(h(n.unit.name))：</p>
            <p class=indent>现将「\(h(n.item.title))」列入<strong>\(h(n.level.chinese))督办</strong>。</p>
            <p class=indent><strong>督办事由：</strong>\(h(n.reason))</p>
            <p class=indent><strong>办理要求：</strong>\(h(n.requiredAction))</p>
            <p class=indent><strong>反馈期限：</strong>\(h(Notices.deadlineSentence(n)))</p>
            \(n.response.map { "<p class=indent><strong>办理情况：</strong>\(h($0))</p>" } ?? "")
            <table><tr><th>督办等级</th><th>状态</th><th>签收</th><th>反馈</th></tr>
            <tr><td>\(h(n.level.chinese))</td><td>\(h(n.state.chinese))</td><td>\(n.signedAt.map(Format.date) ?? "未签收")</td><td>\(n.respondedAt.map(Format.date) ?? "未反馈")</td></tr></table>
            <p class=signature>\(h(plan.issuer ?? ""))督查办<br>\(Format.date(n.issuedAt))</p>
            </body></html>
            """
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.contentType = .html
        return response
    }

    @Sendable func docx(req: Request) async throws -> Response {
        let user = try req.user()
        let n = try await Notices.find(req.parameters.get("noticeID"), for: user, on: req.db)
        let plan = try await PlanStore.find(n.$plan.id.uuidString, on: req.db)
        return Self.download(try Notices.docx(n, issuer: plan.issuer ?? ""), name: "\(n.number).docx")
    }

    static func download(_ data: Data, name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(
            name: .contentType, value: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document.docx"
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"luoshi.docx\"; filename*=UTF-8''\(encoded)")
        return response
    }

    // MARK: inbox

    @Sendable func inbox(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let messages = try await InboxMessage.query(on: req.db).filter(\.$user.$id == user.id!)
            .sort(\.$createdAt, .descending).limit(200).all()
        let csrf = Layout.csrfField(req)
        var items = ""
        for m in messages {
            let unread = m.readAt == nil
            items += """
                <li class="\(unread ? "unread" : "")"><strong>\(m.link.map { "<a href=\"\(h($0))\">\(h(m.title))</a>" } ?? h(m.title))</strong>
                <span class=muted>\(Format.date(m.createdAt))</span><br>\(h(m.body))
                \(unread ? "<form method=post action=\"/inbox/\(m.id!)/read\" class=inline>\(csrf)<button class=link>\(lang.t("标为已读", "Mark read"))</button></form>" : "")</li>
                """
        }
        return html(
            req, title: lang.t("消息", "Inbox"),
            """
            <h1>\(lang.t("消息", "Inbox"))</h1>
            <form method=post action="/inbox/read-all">\(csrf)<button class=secondary>\(lang.t("全部标为已读", "Mark all read"))</button></form>
            <ul class=inbox>\(items.isEmpty ? "<li>\(lang.t("没有消息", "No messages"))</li>" : items)</ul>
            """)
    }

    @Sendable func markRead(req: Request) async throws -> Response {
        let user = try req.user()
        try await Inbox.markRead(req.parameters.get("messageID"), user: user, on: req.db, now: req.now)
        return req.redirect(to: "/inbox", redirectType: .normal)
    }

    @Sendable func markAllRead(req: Request) async throws -> Response {
        let user = try req.user()
        try await Inbox.markRead(nil, user: user, on: req.db, now: req.now)
        return req.redirect(to: "/inbox", redirectType: .normal)
    }

    // MARK: rules

    @Sendable func rules(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        let settings = try await PlanSupervision.query(on: req.db).filter(\.$plan.$id == plan.id!).first()
        let r = settings?.rules ?? .standard
        let leaders = try await User.query(on: req.db).filter(\.$role == .leader).sort(\.$createdAt).all()
        let principal = settings?.$principalLeader.id ?? leaders.first?.id
        let editable = user.role == .admin
        let dis = editable ? "" : " disabled"
        func number(_ name: String, _ label: String, _ value: Int) -> String {
            "<label for=\(name)>\(label)</label><input id=\(name) name=\(name) type=number value=\(value)\(dis)>"
        }
        var levels = ""
        for level in NoticeLevel.allCases {
            levels +=
                "<tr><td>\(Self.levelBadge(level, lang))</td><td><input name=response_\(level.rawValue) type=number value=\(r.responseDays[level]) aria-label=\"\(level.chinese)反馈天数\"\(dis)></td><td><input name=principal_\(level.rawValue) type=number value=\(r.principalAfterDays[level]) aria-label=\"\(level.chinese)报主要领导天数\"\(dis)></td></tr>"
        }
        let leaderOptions = leaders.map {
            "<option value=\"\($0.id!)\"\($0.id == principal ? " selected" : "")>\(h($0.displayName))</option>"
        }.joined()
        return html(
            req, title: lang.t("督办规则", "Supervision rules"),
            """
            <p class=muted><a href="/plans/\(plan.id!)">\(h(plan.title))</a></p>
            <h1>\(lang.t("督办规则", "Supervision rules"))</h1>
            <p>\(lang.t("每月、每季度报送在报送日到期；到期前若干天、当天和逾期后提醒填报人，逾期超过规定天数同时提醒挂钩领导。逾期超过计为漏报的天数算漏报一期：漏报一期或目标进度落后超过阈值发黄色督办单，漏报两期或超过完成时限发红色督办单。督办单逾期未反馈，报挂钩领导；再过规定天数，报主要领导。", "Reports fall due on the due day; reminders go before, on the day and after; late past a threshold, to the lead leader too. One missed cycle or a target behind by more than the threshold makes a yellow notice; two missed cycles or a passed due date a red one. An unanswered notice goes to the lead leader, then to the principal leader."))</p>
            <form method=post action="/plans/\(plan.id!)/supervision">\(Layout.csrfField(req))
            \(number("dueDay", lang.t("每月报送日（季度为季末月）", "Monthly due day"), r.dueDay))
            \(number("weeklyDueWeekday", lang.t("每周报送日（1=周一）", "Weekly due weekday (1 = Monday)"), r.weeklyDueWeekday))
            \(number("remindDaysBefore", lang.t("提前几天提醒", "Remind days before"), r.remindDaysBefore))
            \(number("leaderAfterDaysLate", lang.t("逾期几天提醒挂钩领导", "Days late before the leader is told"), r.leaderAfterDaysLate))
            \(number("reminderWindowDays", lang.t("逾期后催办几天", "Days of reminders after the due day"), r.reminderWindowDays))
            \(number("missedAfterDays", lang.t("逾期几天计为漏报", "Days late before a cycle counts as missed"), r.missedAfterDays))
            <label for=behindThreshold>\(lang.t("目标落后阈值（百分点）", "Behind threshold (points)"))</label><input id=behindThreshold name=behindThreshold type=number value=\(Int((r.behindThreshold * 100).rounded()))\(dis)>
            <label><input type=checkbox name=automaticNotices value=on\(r.automaticNotices ? " checked" : "")\(dis)> \(lang.t("自动发督办单", "Issue notices automatically"))</label>
            <table><thead><tr><th>\(lang.t("等级", "Level"))</th><th>\(lang.t("反馈天数", "Days to respond"))</th><th>\(lang.t("再过几天报主要领导", "Then days before the principal leader"))</th></tr></thead><tbody>\(levels)</tbody></table>
            <label for=principal>\(lang.t("主要领导", "Principal leader"))</label><select id=principal name=principal\(dis)>\(leaderOptions)</select>
            \(editable ? "<button>\(lang.t("保存", "Save"))</button>" : "")</form>
            """)
    }

    @Sendable func saveRules(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let form = try req.content.decode([String: String].self)
        func int(_ key: String) throws -> Int {
            guard let v = form[key].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw LuoshiError.invalid(field: key, reason: "应为整数")
            }
            return v
        }
        var r = SupervisionRules.standard
        r.dueDay = try int("dueDay")
        r.weeklyDueWeekday = try int("weeklyDueWeekday")
        r.remindDaysBefore = try int("remindDaysBefore")
        r.leaderAfterDaysLate = try int("leaderAfterDaysLate")
        r.reminderWindowDays = try int("reminderWindowDays")
        r.missedAfterDays = try int("missedAfterDays")
        r.behindThreshold = Double(try int("behindThreshold")) / 100
        r.automaticNotices = form["automaticNotices"] == "on"
        for level in NoticeLevel.allCases {
            r.responseDays[level] = try int("response_\(level.rawValue)")
            r.principalAfterDays[level] = try int("principal_\(level.rawValue)")
        }
        var principal: UUID?
        if let text = form["principal"], !text.isEmpty {
            guard let id = UUID(uuidString: text) else { throw LuoshiError.invalid(field: "主要领导", reason: "应为一位领导") }
            principal = id
        }
        try await SupervisionSettings.save(r, principal: principal, plan: plan, by: user, on: req.store, now: req.now)
        return req.redirect(to: "/plans/\(plan.id!)/supervision", redirectType: .normal)
    }

    // MARK: channels

    @Sendable func channels(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let lang = Lang(req)
        let list = try await NotificationChannel.query(on: req.db).with(\.$organization).with(\.$user)
            .sort(\.$createdAt).all()
        let recent = try await Delivery.query(on: req.db).with(\.$channel).sort(\.$createdAt, .descending).limit(50)
            .all()
        let csrf = Layout.csrfField(req)
        var rows = ""
        for c in list {
            rows += """
                <tr><td>\(h(c.name))</td><td>\(h(c.kind.chinese))</td><td><code>\(h(Channels.masked(c.target)))</code></td>
                <td>\(h(c.organization?.name ?? c.user?.displayName ?? ""))</td><td>\(c.active ? lang.t("启用", "on") : lang.t("停用", "off"))</td>
                <td><form method=post action="/channels/\(c.id!)/toggle" class=inline>\(csrf)<button class=link>\(c.active ? lang.t("停用", "Disable") : lang.t("启用", "Enable"))</button></form></td></tr>
                """
        }
        var log = ""
        for d in recent {
            log +=
                "<tr><td>\(Format.date(d.createdAt))</td><td>\(h(d.channel.name))</td><td>\(h(String(d.title.prefix(40))))</td><td>\(h(lang.t(d.state.chinese, d.state.rawValue)))</td><td class=num>\(d.attempts)</td><td>\(h(d.lastError.map { String($0.prefix(80)) }))</td></tr>"
        }
        let units = try await Organization.query(on: req.db).sort(\.$name).all()
        let kinds = ChannelKind.allCases.map { "<option value=\($0.rawValue)>\(h($0.chinese))</option>" }.joined()
        return html(
            req, title: lang.t("通知渠道", "Notification channels"),
            """
            <h1>\(lang.t("通知渠道", "Notification channels"))</h1>
            <p>\(lang.t("每条消息除进入站内消息外，还推送到收件单位和收件人的渠道：通用 Webhook（请求头 X-Luoshi-Signature 为 HMAC-SHA256 签名）、企业微信群机器人、钉钉群机器人（加签）、电子邮件。失败自动重试，每次尝试都有记录。", "Besides the inbox, each message goes to the channels of its units and people: a generic webhook signed with HMAC-SHA256, the 企业微信 and 钉钉 group robots, e-mail. Failures are retried; every attempt is logged."))</p>
            <table><thead><tr><th>\(lang.t("名称", "Name"))</th><th>\(lang.t("类型", "Kind"))</th><th>\(lang.t("地址", "Address"))</th><th>\(lang.t("所属", "For"))</th><th>\(lang.t("状态", "State"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            <h2>\(lang.t("新增渠道", "Add a channel"))</h2>
            <form method=post action="/channels">\(csrf)
            <label for=name>\(lang.t("名称", "Name"))</label><input id=name name=name required maxlength=100>
            <label for=kind>\(lang.t("类型", "Kind"))</label><select id=kind name=kind>\(kinds)</select>
            <label for=target>\(lang.t("地址（URL 或邮箱）", "Address (URL or e-mail)"))</label><input id=target name=target required maxlength=1000>
            <label for=secret>\(lang.t("签名密钥（可选）", "Signing secret (optional)"))</label><input id=secret name=secret maxlength=200>
            <label for=organization>\(lang.t("单位", "Unit"))</label><select id=organization name=organization>\(units.map { "<option value=\"\($0.id!)\">\(h($0.name))</option>" }.joined())</select>
            <button>\(lang.t("新增", "Add"))</button></form>
            <h2>\(lang.t("最近推送", "Recent deliveries"))</h2>
            <table><thead><tr><th>\(lang.t("时间", "When"))</th><th>\(lang.t("渠道", "Channel"))</th><th>\(lang.t("消息", "Message"))</th><th>\(lang.t("状态", "State"))</th><th>\(lang.t("尝试", "Attempts"))</th><th>\(lang.t("最后错误", "Last error"))</th></tr></thead><tbody>\(log)</tbody></table>
            """)
    }

    @Sendable func addChannel(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let input = try req.content.decode(Channels.Input.self)
        _ = try await Channels.add(input, by: user, on: req.store, now: req.now)
        return req.redirect(to: "/channels", redirectType: .normal)
    }

    @Sendable func toggleChannel(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        try await Channels.toggle(req.parameters.get("channelID"), by: user, on: req.store, now: req.now)
        return req.redirect(to: "/channels", redirectType: .normal)
    }

    // MARK: bulletin

    /// Every signed-in person may read it: the office circulates it to the units too.
    func loadBulletin(_ req: Request) async throws -> Bulletin {
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: try req.user(), on: req.db)
        let month = try Bulletin.month(req.query[String.self, at: "month"], default: req.now)
        return try await Bulletin.build(plan: plan, year: month.year, month: month.month, on: req.db, now: req.now)
    }

    @Sendable func bulletin(req: Request) async throws -> Response {
        let b = try await loadBulletin(req)
        let t = b.totals
        func cells(_ r: Bulletin.UnitRow) -> String {
            "<td>\(h(r.unit))</td><td class=num>\(r.due)</td><td class=num>\(r.onTime)</td><td class=num>\(r.late)</td><td class=num>\(r.missing)</td><td class=num>\(r.red)</td><td class=num>\(r.yellow)</td><td class=num>\(r.blue)</td>"
        }
        let units = b.units.map { "<tr>\(cells($0))</tr>" }.joined() + "<tr class=total>\(cells(t))</tr>"
        let changes = b.changes.map {
            "<tr><td><a href=\"/items/\($0.item)\">\(h($0.title))</a></td><td><span class=\"badge \($0.from.rawValue)\">\($0.from.chinese)</span></td><td><span class=\"badge \($0.to.rawValue)\">\($0.to.chinese)</span></td></tr>"
        }.joined()
        let overdue = b.mostOverdue.map {
            "<tr><td><a href=\"/items/\($0.item)\">\(h($0.title))</a></td><td>\(h($0.unit))</td><td>\(h($0.due))</td><td class=num>\($0.days)</td></tr>"
        }.joined()
        let planID = req.parameters.get("planID") ?? ""
        let month = String(format: "%04d-%02d", b.year, b.month)
        return html(
            req, title: "督查督办月通报 \(b.year)年\(b.month)月",
            """
            <article class="paper bulletin">
            <header class="masthead"><h1>督查督办月通报</h1><p>\(b.year)年第\(b.month)期</p><p>\(h(b.issuer))督查办 · \(Format.date(b.asOf))</p></header>
            <h2 class=center>\(h(b.planTitle))落实情况（\(b.year)年\(b.month)月）</h2>
            <p class=indent>\(h(b.summary))</p>
            <h3>一、各单位报送情况</h3>
            <table><thead><tr><th>单位</th><th>应报</th><th>按时</th><th>逾期</th><th>未报</th><th>红色督办</th><th>黄色督办</th><th>蓝色督办</th></tr></thead><tbody>\(units)</tbody></table>
            <h3>二、状态变化的事项</h3>
            \(changes.isEmpty ? "<p class=indent>本月无事项状态变化。</p>" : "<table><thead><tr><th>事项</th><th>月初</th><th>月末</th></tr></thead><tbody>\(changes)</tbody></table>")
            <h3>三、逾期时间最长的事项</h3>
            \(overdue.isEmpty ? "<p class=indent>本月无逾期事项。</p>" : "<table><thead><tr><th>事项</th><th>牵头单位</th><th>完成时限</th><th>逾期天数</th></tr></thead><tbody>\(overdue)</tbody></table>")
            <p class=indent>\(h(Bulletin.closing))</p>
            </article>
            <form method=get class=noprint><label for=month>月份</label><input id=month name=month type=month value="\(month)"><button>查看</button>
            <a href="/plans/\(h(planID))/bulletin.docx?month=\(month)">下载 Word</a></form>
            """)
    }

    @Sendable func bulletinDocx(req: Request) async throws -> Response {
        let b = try await loadBulletin(req)
        return Self.download(try b.docx(), name: "督查督办月通报\(b.year)年\(b.month)月.docx")
    }
}
