import Fluent
import Foundation
import LuoshiCore
import Vapor

/// An item's page, filing reports, comments and instructions, the review queue, a unit's tasks.
struct ItemController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("items", ":itemID", use: show)
        routes.on(.POST, "items", ":itemID", "reports", body: .collect(maxSize: "60mb"), use: fileReport)
        routes.get("evidence", ":evidenceID", use: evidence)
        routes.post("items", ":itemID", "comments", use: comment)
        routes.get("reviews", use: queue)
        routes.post("reports", ":reportID", "accept", use: accept)
        routes.post("reports", ":reportID", "return", use: giveBack)
        routes.get("my", use: mine)
        routes.post("items", ":itemID", "milestones", use: addMilestone)
        routes.post("milestones", ":milestoneID", "reach", use: reachMilestone)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let plan = try await PlanStore.find(item.$plan.id.uuidString, on: req.db)
        if plan.status == .draft && user.role != .admin {
            throw LuoshiError.notFound(entity: "事项", id: item.id!.uuidString)
        }
        let (snapshot, _) = try await PlanSnapshot.load(plan, for: req)
        let reports = try await ProgressReport.query(on: req.db).filter(\.$item.$id == item.id!)
            .with(\.$author).with(\.$unit).sort(\.$submittedAt, .descending).all()
        let files = try await Evidence.query(on: req.db).filter(\.$report.$id ~~ reports.compactMap(\.id)).all()
        let comments = try await Comment.query(on: req.db).filter(\.$item.$id == item.id!).with(\.$author)
            .sort(\.$createdAt).all()
        let assignment = snapshot.assignments[item.id!]
        let unitIDs = [assignment?.$leadUnit.id].compactMap { $0 } + (assignment?.cooperating ?? [])
        let units = try await Organization.query(on: req.db).filter(\.$id ~~ unitIDs).all()
        let leader = try await assignment?.$leadLeader.get(on: req.db)
        let words = plan.words(of: item)
        let st = snapshot.status(of: item)
        var out =
            "<p class=muted><a href=\"/plans/\(plan.id!)\">\(h(plan.title))</a> · \(h(lang.t(item.kind.chinese, item.kind.rawValue)))</p>"
        out += "<h1>\(h(item.kind == .target ? (item.subject ?? item.title) : item.title))</h1>"
        if let retired = item.retiredAt {
            let into =
                item.$mergedInto.id.map { " <a href=\"/items/\($0)\">\(lang.t("合并后的事项", "the merged item"))</a>" } ?? ""
            out +=
                "<p class=\"flash\" role=\"status\">\(lang.t("此事项已撤销，不在计划中", "This item was retired and is no longer in the plan"))：\(Format.date(retired)) \(h(item.retiredBy)) \(h(item.retiredReason))\(into)</p>"
        } else {
            // A retired item is out of the plan's roll-up: it has no status of its own to show.
            out +=
                "<p>\(Layout.statusBadge(st.status, lang)) \(Layout.progressBar(st.progress, expected: st.expected, colour: st.status.colour)) \(lang.t("完成", "done")) \(Format.percent(st.progress)) · \(lang.t("应达", "expected")) \(Format.percent(st.expected))</p>"
        }
        if item.kind == .target {
            out +=
                "<p>\(lang.t("目标", "Target"))：<strong>\(h(Format.target(item)))</strong>\(item.per.map { " / 每\(h($0))" } ?? "")</p>"
        }
        out += "<h2>\(lang.t("承诺原文", "The promise in the plan's words"))</h2><p class=quote>\(h(words))</p>"
        if item.kind == .project && !item.attributes.isEmpty {
            let names = [
                "investment": "总投资", "length": "长度", "siteArea": "占地面积", "floorArea": "建筑面积", "width": "宽度",
                "capacity": "规模",
            ]
            out +=
                "<p>"
                + item.attributes.map { a in
                    "\(h(names[a.name] ?? a.name))：\(Format.comparator(a.comparator.rawValue))\(Format.number(a.value)) \(h(a.unit))"
                }.joined(separator: "；") + "</p>"
        }
        if item.kind == .target { out += "<p class=muted>\(h(item.title))</p>" }
        out += "<h2>\(lang.t("分解落实", "Assignment"))</h2>"
        if let a = assignment {
            let lead = units.first { $0.id == a.$leadUnit.id }?.name ?? "—"
            let coop = units.filter { a.cooperating.contains($0.id!) }.map(\.name).joined(separator: "、")
            out += """
                <table><tbody><tr><th>\(lang.t("挂钩领导", "Lead leader"))</th><td>\(h(leader?.displayName ?? "—"))</td></tr>
                <tr><th>\(lang.t("牵头单位", "Lead unit"))</th><td>\(h(lead))</td></tr>
                <tr><th>\(lang.t("配合单位", "Cooperating units"))</th><td>\(h(coop.isEmpty ? "—" : coop))</td></tr>
                <tr><th>\(lang.t("责任人", "Responsible person"))</th><td>\(h(a.responsiblePerson ?? "—"))</td></tr>
                <tr><th>\(lang.t("起止日期", "Period"))</th><td>\(Format.date(a.startDate)) — \(Format.date(a.dueDate))</td></tr>
                <tr><th>\(lang.t("权重", "Weight"))</th><td>\(Format.number(a.weight))</td></tr>
                <tr><th>\(lang.t("报送周期", "Reporting cycle"))</th><td>\(h(lang.t(a.cycle.chinese, a.cycle.rawValue)))</td></tr></tbody></table>
                """
        } else {
            out += "<p class=muted>\(lang.t("尚未分解", "Not assigned yet"))</p>"
        }
        // Supervision notices on this item (a unit sees its own).
        let notices = try await Notices.list(for: user, open: nil, level: nil, item: item.id!, on: req.db)
        if !notices.isEmpty || user.role == .admin {
            out += "<h2>\(lang.t("督办", "Supervision notices"))</h2>"
            if !notices.isEmpty {
                out +=
                    "<ul>"
                    + notices.map {
                        "<li><a href=\"/notices/\($0.id!)\">\(h($0.number))</a> \(SupervisionController.levelBadge($0.level, lang)) \(h($0.unit.name)) · \(h(lang.t($0.state.chinese, $0.state.rawValue))) · \(Format.date($0.issuedAt)) · \(h($0.reason))</li>"
                    }.joined() + "</ul>"
            }
            if user.role == .admin && plan.status == .published {
                out += "<p><a href=\"/notices/new?item=\(item.id!)\">\(lang.t("发督办单", "Issue a notice"))</a></p>"
            }
        }
        let marks = snapshot.milestones[item.id!] ?? []
        if !marks.isEmpty || user.role == .admin {
            out += "<h2>\(lang.t("节点", "Milestones"))</h2>"
            if !marks.isEmpty {
                out +=
                    "<table><thead><tr><th>\(lang.t("节点", "Milestone"))</th><th>\(lang.t("计划", "Planned"))</th><th>\(lang.t("实际", "Actual"))</th><th>\(lang.t("占比", "Share"))</th><th></th></tr></thead><tbody>"
                let mayReach =
                    user.role == .admin
                    || (user.role == .reporter
                        && assignment.map { a in
                            user.$organization.id.map(a.involves) ?? false
                        } == true)
                for m in marks {
                    let late = m.actualDate == nil && m.plannedDate < req.now
                    let reach =
                        m.actualDate == nil && mayReach
                        ? "<form method=\"post\" action=\"/milestones/\(m.id!)/reach\" class=\"inline\">\(Layout.csrfField(req))<button>\(lang.t("记录完成", "Reached"))</button></form>"
                        : ""
                    out +=
                        "<tr><td>\(h(m.name))</td><td>\(Format.date(m.plannedDate))</td><td>\(m.actualDate.map(Format.date) ?? (late ? "<span class=\"badge red\">\(lang.t("未按期", "late"))</span>" : "—"))</td><td class=num>\(Format.percent(m.share))</td><td>\(reach)</td></tr>"
                }
                out += "</tbody></table>"
            }
            if user.role == .admin {
                out += """
                    <form method="post" action="/items/\(item.id!)/milestones" class="stack">\(Layout.csrfField(req))
                    <label>\(lang.t("新增节点", "Add a milestone"))</label><input name="name" required maxlength="200" placeholder="\(lang.t("如：完成招标", "e.g. tender awarded"))">
                    <label>\(lang.t("计划日期", "Planned date"))</label><input type="date" name="plannedDate" required>
                    <label>\(lang.t("完成后占总工作量（%）", "Share of the work when reached (%)"))</label><input name="share" inputmode="decimal" value="50">
                    <p><button>\(lang.t("添加", "Add"))</button></p></form>
                    """
            }
        }
        let children = snapshot.children[item.id!] ?? []
        if !children.isEmpty {
            out += "<h2>\(lang.t("下属事项", "Under this item"))</h2><table><tbody>"
            for c in children {
                let cs = snapshot.status(of: c)
                let label = c.kind == .target ? "\(c.subject ?? "") \(Format.target(c))" : c.title
                out +=
                    "<tr><td>\(h(lang.t(c.kind.chinese, c.kind.rawValue)))</td><td><a href=\"/items/\(c.id!)\">\(h(String(label.prefix(60))))</a></td><td>\(Layout.statusBadge(cs.status, lang))</td></tr>"
            }
            out += "</tbody></table>"
        }
        out += "<h2>\(lang.t("进展报送", "Progress reports"))</h2>"
        if reports.isEmpty { out += "<p class=muted>\(lang.t("暂无报送", "No reports yet"))</p>" }
        out += "<ol class=timeline>"
        for r in reports {
            out +=
                "<li><strong>\(h(r.period))</strong> · \(h(r.unit.name)) · \(h(r.author.displayName)) · \(Format.date(r.submittedAt)) · <span class=\"badge \(r.state == .accepted ? "green" : r.state == .returned ? "red" : "yellow")\">\(h(lang.t(r.state.chinese, r.state.rawValue)))</span>"
            if let v = r.actualValue { out += " · \(lang.t("实际", "actual")) \(Format.number(v)) \(h(item.unit))" }
            if let p = r.percentComplete { out += " · \(Int(p))%" }
            if let m = r.milestone { out += " · \(h(m))" }
            out += "<br>\(h(r.narrative))"
            let attached = files.filter { $0.$report.id == r.id }
            if !attached.isEmpty {
                out += "<br>" + lang.t("证明材料", "Evidence") + "："
                out += attached.map { "<a href=\"/evidence/\($0.id!)\">\(h($0.filename))</a>" }.joined(separator: "、")
            }
            if let reason = r.reviewReason { out += "<br><em>\(lang.t("审核意见", "Review"))：\(h(reason))</em>" }
            if user.role == .admin && r.state == .submitted { out += reviewForms(req, r, lang) }
            out += "</li>"
        }
        out += "</ol>"
        if user.role == .reporter, let unit = user.$organization.id, let a = assignment,
            a.involves(unit)
        {
            out += reportForm(req, item: item, lang: lang)
        }
        out += "<h2>\(lang.t("评论与批示", "Comments and instructions"))</h2><ol class=timeline>"
        for c in comments {
            out +=
                "<li>\(c.isInstruction ? "<strong>\(lang.t("批示", "Instruction"))</strong> · " : "")\(h(c.author.displayName)) · \(Format.date(c.createdAt))<br>\(h(c.body))</li>"
        }
        out += "</ol>"
        if user.role != .deputy {
            out += """
                <form method="post" action="/items/\(item.id!)/comments" class="stack">\(Layout.csrfField(req))
                <label for="c">\(user.role == .leader ? lang.t("批示", "Instruction") : lang.t("评论", "Comment"))</label><textarea id="c" name="body" required maxlength="5000"></textarea>
                <p><button>\(lang.t("提交", "Post"))</button></p></form>
                """
        }
        return html(req, title: item.title, out)
    }

    func reportForm(_ req: Request, item: PlanItem, lang: Lang) -> String {
        let c = Calendar.beijing.dateComponents([.year, .month], from: req.now)
        let period = String(format: "%04d-%02d", c.year!, c.month!)
        return """
            <h2>\(lang.t("报送进展", "File a report"))</h2>
            <form method="post" action="/items/\(item.id!)/reports" class="stack card" enctype="multipart/form-data">\(Layout.csrfField(req))
            <label for="period">\(lang.t("报送期", "Period"))</label><input id="period" name="period" value="\(period)" required pattern="\\d{4}-(0[1-9]|1[0-2]|Q[1-4]|W\\d{2}|H[12])">
            \(item.kind == .target ? "<label for=\"av\">\(lang.t("实际数值", "Actual figure")) (\(h(item.unit)))</label><input id=\"av\" name=\"actualValue\" inputmode=\"decimal\">" : "")
            <label for="pc">\(lang.t("完成百分比", "Percent complete"))</label><input id="pc" name="percentComplete" type="number" min="0" max="100" step="1">
            <label for="ms">\(lang.t("节点（填“完成”表示全部完成）", "Milestone (\"完成\" when finished)"))</label><input id="ms" name="milestone" maxlength="200">
            <label for="nr">\(lang.t("进展情况", "Narrative"))</label><textarea id="nr" name="narrative" required maxlength="10000"></textarea>
            <label for="ev">\(lang.t("证明材料（PDF、图片、Office 文件，每个 20 MB 以内）", "Evidence (PDF, images, Office files; up to 20 MB each)"))</label><input id="ev" type="file" name="evidence[]" multiple>
            <p><button>\(lang.t("提交报送", "Submit"))</button></p></form>
            """
    }

    func reviewForms(_ req: Request, _ r: ProgressReport, _ lang: Lang) -> String {
        """
        <div><form method="post" action="/reports/\(r.id!)/accept" class="inline">\(Layout.csrfField(req))<button>\(lang.t("采纳", "Accept"))</button></form>
        <form method="post" action="/reports/\(r.id!)/return" class="inline">\(Layout.csrfField(req))<input name="reason" placeholder="\(lang.t("退回理由", "Reason for returning"))" required maxlength="1000"> <button>\(lang.t("退回", "Return"))</button></form></div>
        """
    }

    /// Form posts send empty strings for empty number fields.
    struct FilingForm: Content {
        var period: String
        var actualValue: String?
        var percentComplete: String?
        var milestone: String?
        var narrative: String
        var evidence: [File]?

        func filing() throws -> Reports.Filing {
            func number(_ s: String?, _ field: String) throws -> Double? {
                guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
                guard let v = Double(s) else { throw LuoshiError.invalid(field: field, reason: "不是数字") }
                return v
            }
            return Reports.Filing(
                period: period, actualValue: try number(actualValue, "实际数值"),
                percentComplete: try number(percentComplete, "完成百分比"), milestone: milestone, narrative: narrative)
        }
    }

    @Sendable func fileReport(req: Request) async throws -> Response {
        let user = try req.user()
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(FilingForm.self)
        let files = try EvidenceStore.check(form.evidence ?? [])
        _ = try await Reports.file(
            try form.filing(), evidence: files, evidenceDirectory: req.application.luoshi.evidenceDirectory, item: item,
            user: user, on: req.store, now: req.now)
        return req.redirect(to: "/items/\(item.id!)")
    }

    @Sendable func addMilestone(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        _ = try await Milestones.add(
            try req.content.decode(Milestones.NewMilestone.self), to: item, actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/items/\(item.id!)")
    }

    @Sendable func reachMilestone(req: Request) async throws -> Response {
        let user = try req.user(.admin, .reporter)
        let m = try await Milestones.reach(req.parameters.get("milestoneID"), actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/items/\(m.$item.id)")
    }

    /// An evidence file, to those who may read its report.
    @Sendable func evidence(req: Request) async throws -> Response {
        let user = try req.user()
        guard let id = req.parameters.get("evidenceID").flatMap(UUID.init(uuidString:)),
            let file = try await Evidence.query(on: req.db).filter(\.$id == id).with(\.$report).first()
        else { throw LuoshiError.notFound(entity: "证明材料", id: req.parameters.get("evidenceID") ?? "") }
        guard try await EvidenceStore.mayRead(user, report: file.report, on: req.db) else {
            throw LuoshiError.forbidden(reason: "无权查看该证明材料")
        }
        return try EvidenceStore.download(
            id, filename: file.filename, contentType: file.contentType,
            directory: req.application.luoshi.evidenceDirectory)
    }

    struct CommentForm: Content { var body: String }

    @Sendable func comment(req: Request) async throws -> Response {
        let user = try req.user(.admin, .leader, .reporter)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let body = try req.content.decode(CommentForm.self).body.storable.trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.count <= 5000 else {
            throw LuoshiError.invalid(field: "内容", reason: "不能为空，且不超过 5000 字")
        }
        try await Comments.add(body, on: item.id!, actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/items/\(item.id!)")
    }

    @Sendable func queue(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let lang = Lang(req)
        let pending = try await ProgressReport.query(on: req.db).filter(\.$state == .submitted).with(\.$item)
            .with(\.$unit).with(\.$author).sort(\.$submittedAt).all()
        var rows = ""
        for r in pending {
            rows += """
                <tr><td><a href="/items/\(r.$item.id)">\(h(String(r.item.title.prefix(40))))</a></td><td>\(h(r.period))</td><td>\(h(r.unit.name))</td>
                <td>\(Format.number(r.actualValue)) \(r.percentComplete.map { "· \(Int($0))%" } ?? "")</td><td>\(h(String(r.narrative.prefix(80))))</td>
                <td>\(reviewForms(req, r, lang))</td></tr>
                """
        }
        return html(
            req, title: lang.t("审核报送", "Reviews"),
            """
            <h1>\(lang.t("待审核的报送", "Reports awaiting review")) (\(pending.count))</h1>
            <table><thead><tr><th>\(lang.t("事项", "Item"))</th><th>\(lang.t("报送期", "Period"))</th><th>\(lang.t("单位", "Unit"))</th><th>\(lang.t("数值", "Figures"))</th><th>\(lang.t("进展", "Narrative"))</th><th></th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=6 class=muted>\(lang.t("没有待审核的报送", "Nothing to review"))</td></tr>" : rows)</tbody></table>
            """)
    }

    struct ReturnForm: Content { var reason: String? }

    @Sendable func accept(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let r = try await Reports.review(
            req.parameters.get("reportID"), accept: true, reason: nil, user: user, on: req.store, now: req.now)
        return req.redirect(
            to: req.headers.first(name: .referer).flatMap { URL(string: $0)?.path } ?? "/items/\(r.$item.id)")
    }

    @Sendable func giveBack(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let reason = try req.content.decode(ReturnForm.self).reason
        let r = try await Reports.review(
            req.parameters.get("reportID"), accept: false, reason: reason, user: user, on: req.store, now: req.now)
        return req.redirect(
            to: req.headers.first(name: .referer).flatMap { URL(string: $0)?.path } ?? "/items/\(r.$item.id)")
    }

    /// A reporter's tasks: what their unit leads or helps with, and what is due.
    @Sendable func mine(req: Request) async throws -> Response {
        let user = try req.user(.reporter)
        let lang = Lang(req)
        guard let unit = user.$organization.id else { throw LuoshiError.forbidden(reason: "账号未绑定单位") }
        let assignments = try await Assignment.query(on: req.db).with(\.$item).all()
            .filter { $0.involves(unit) }
        let plans = Set(assignments.map { $0.item.$plan.id })
        var snapshots: [UUID: PlanSnapshot] = [:]
        for p in plans {
            if let plan = try await Plan.find(p, on: req.db) {
                snapshots[p] = try await PlanSnapshot.load(plan, on: req.db, now: req.now)
            }
        }
        let returned = try await ProgressReport.query(on: req.db).filter(\.$unit.$id == unit).filter(
            \.$state == .returned
        ).count()
        // What the unit owes next on each item it leads, by its plan's reporting calendar.
        var reported: [UUID: Set<String>] = [:]
        for r in try await ProgressReport.query(on: req.db).filter(\.$unit.$id == unit)
            .filter(\.$state ~~ [.submitted, .accepted]).field(\.$item.$id).field(\.$period).all()
        {
            reported[r.$item.id, default: []].insert(r.period)
        }
        var rules: [UUID: SupervisionRules] = [:]
        for p in plans { rules[p] = try await Notices.rules(for: p, on: req.db) }
        let today = CivilDay(req.now, calendar: .beijing)
        var rows = ""
        for a in assignments.sorted(by: { ($0.dueDate ?? .distantFuture) < ($1.dueDate ?? .distantFuture) }) {
            let st = snapshots[a.item.$plan.id]?.status(of: a.item).status ?? .notStarted
            var next = "—"
            if a.$leadUnit.id == unit, let year = snapshots[a.item.$plan.id]?.plan.year {
                let periods = ReportingCalendar.periods(
                    cycle: a.cycle, year: year, start: a.startDate.map { CivilDay($0, calendar: .beijing) },
                    due: a.dueDate.map { CivilDay($0, calendar: .beijing) }, rules: rules[a.item.$plan.id] ?? .standard)
                if let owed = ReportingCalendar.nextDue(periods, reported: reported[a.item.id!] ?? [], today: today) {
                    next =
                        "\(h(owed.period.chinese)) · \(owed.period.due.month)月\(owed.period.due.day)日"
                        + (owed.overdue ? " <span class=\"badge red\">\(lang.t("逾期未报", "overdue"))</span>" : "")
                }
            }
            rows +=
                "<tr><td><a href=\"/items/\(a.item.id!)\">\(h(String(a.item.title.prefix(50))))</a></td><td>\(a.$leadUnit.id == unit ? lang.t("牵头", "lead") : lang.t("配合", "help"))</td><td>\(next)</td><td>\(Format.date(a.dueDate))</td><td>\(h(lang.t(a.cycle.chinese, a.cycle.rawValue)))</td><td>\(Layout.statusBadge(st, lang))</td></tr>"
        }
        return html(
            req, title: lang.t("我的任务", "My tasks"),
            """
            <h1>\(lang.t("本单位的任务", "My unit's tasks")) (\(assignments.count))</h1>
            \(returned > 0 ? "<p class=flash>\(lang.t("有 \(returned) 份报送被退回，请更正后重新报送。", "\(returned) reports were returned: correct and file again."))</p>" : "")
            <table><thead><tr><th>\(lang.t("事项", "Item"))</th><th>\(lang.t("角色", "Role"))</th><th>\(lang.t("下次应报", "Next report due"))</th><th>\(lang.t("截止", "Due"))</th><th>\(lang.t("周期", "Cycle"))</th><th>\(lang.t("状态", "Status"))</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """)
    }
}
