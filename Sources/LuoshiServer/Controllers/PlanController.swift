import Fluent
import Foundation
import LuoshiCore
import PlanReader
import Vapor

/// Plans in the browser: the list, importing a document, reviewing the draft, the overview.
struct PlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let plans = routes.grouped("plans")
        plans.get(use: list)
        plans.on(.POST, body: .collect(maxSize: "25mb"), use: upload)
        plans.get(":planID", use: overview)
        plans.get(":planID", "review", use: review)
        plans.post(":planID", "publish", use: publish)
        plans.post(":planID", "close", use: close)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let plans = try await Plan.query(on: req.db).sort(\.$year, .descending).sort(\.$createdAt, .descending).all()
        var rows = ""
        for p in plans where p.status != .draft || user.role == .admin {
            rows += """
                <tr><td><a href="/plans/\(p.id!)">\(h(p.title))</a></td><td>\(p.year)</td><td>\(h(lang.t(p.status.chinese, p.status.rawValue)))</td>
                <td>\(h(p.sourceName))</td><td>\(p.status == .draft && user.role == .admin ? "<a href=\"/plans/\(p.id!)/review\">\(lang.t("审阅", "Review"))</a>" : "")</td></tr>
                """
        }
        var upload = ""
        if user.role == .admin {
            upload = """
                <h2>\(lang.t("导入计划文档", "Import a plan document"))</h2>
                <form method="post" action="/plans" enctype="multipart/form-data" class="stack card">
                \(Layout.csrfField(req))
                <label for="doc">\(lang.t("文档（文本、GB18030、HTML、Word .docx、Markdown，20 MB 以内）", "Document (text, GB18030, HTML, Word .docx, Markdown; up to 20 MB)"))</label>
                <input id="doc" type="file" name="document" required>
                <p><button>\(lang.t("导入为草稿", "Import as a draft"))</button></p></form>
                """
        }
        return html(
            req, title: lang.t("计划", "Plans"),
            """
            <h1>\(lang.t("工作计划", "Work plans"))</h1>
            <table><thead><tr><th>\(lang.t("标题", "Title"))</th><th>\(lang.t("年度", "Year"))</th><th>\(lang.t("状态", "Status"))</th><th>\(lang.t("来源文件", "Source"))</th><th></th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=5 class=muted>\(lang.t("还没有计划", "No plans yet"))</td></tr>" : rows)</tbody></table>
            \(upload)
            """)
    }

    struct Upload: Content {
        var document: File
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let upload = try req.content.decode(Upload.self)
        let data = Data(upload.document.data.readableBytesView)
        let plan = try await PlanStore.importDocument(
            data, name: upload.document.filename, actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/plans/\(plan.id!)/review")
    }

    @Sendable func publish(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        try await PlanLifecycle.publish(plan.id!, actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/plans/\(plan.id!)")
    }

    /// Closes a published plan at the end of its year: it becomes history, read-only.
    @Sendable func close(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        try await PlanLifecycle.close(plan.id!, actor: user, on: req.store, now: req.now)
        return req.redirect(to: "/plans/\(plan.id!)")
    }

    /// The source text beside the extracted tree; choosing an item marks its words in the source.
    @Sendable func review(req: Request) async throws -> Response {
        let user = try req.user(.admin, .leader, .deputy)
        let lang = Lang(req)
        let plan = try await PlanStore.find(req.parameters.get("planID"), for: req)
        let items = try await PlanItem.live(plan: plan.id!, on: req.db).sort(\.$position).all()
        let selected = req.query[String.self, at: "item"].flatMap(UUID.init(uuidString:))
        let chosen = items.first { $0.id == selected }
        var children: [UUID: [PlanItem]] = [:]
        for i in items { if let p = i.$parent.id { children[p, default: []].append(i) } }
        func tree(_ list: [PlanItem]) -> String {
            guard !list.isEmpty else { return "" }
            return "<ul>"
                + list.map { i in
                    let label =
                        i.kind == .target
                        ? "◎ \(i.subject ?? "") \(Format.target(i))" : (i.kind == .project ? "▣ " : "") + i.title
                    return
                        "<li><a id=\"i-\(i.id!)\" class=\"\(i.id == selected ? "sel" : "")\" href=\"?item=\(i.id!)#src\">\(h(String(label.prefix(60))))</a>\(tree(children[i.id!] ?? []))</li>"
                }.joined() + "</ul>"
        }
        let roots = items.filter { $0.$parent.id == nil && $0.kind != .task }
        let scalars = Array(plan.sourceText.unicodeScalars)
        var source: String
        if let chosen, chosen.spanStart >= 0, chosen.spanEnd <= scalars.count, chosen.spanStart <= chosen.spanEnd {
            func text(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[r])) }
            source =
                h(text(0..<chosen.spanStart)) + "<mark id=\"src\">" + h(text(chosen.spanStart..<chosen.spanEnd))
                + "</mark>" + h(text(chosen.spanEnd..<scalars.count))
        } else {
            source = h(plan.sourceText)
        }
        let publish =
            plan.status == .draft
            ? "<form method=\"post\" action=\"/plans/\(plan.id!)/publish\">\(Layout.csrfField(req))<button>\(lang.t("发布计划", "Publish the plan"))</button></form>"
            : ""
        return html(
            req, title: lang.t("审阅", "Review") + " · " + plan.title,
            """
            <h1>\(h(plan.title)) <small class="muted">\(h(lang.t(plan.status.chinese, plan.status.rawValue)))</small></h1>
            <p class="muted">\(h(plan.sourceName)) · \(h(plan.sourceEncoding)) · sha256 \(h(String(plan.sourceSHA256.prefix(16))))…</p>
            \(publish)
            <div class="review"><nav class="tree card">\(tree(roots))</nav><pre class="source">\(source)</pre></div>
            \(user.role == .admin ? chosen.map { EditController.forms(req, item: $0, items: items, plan: plan, lang: lang) } ?? "" : "")
            """)
    }

    /// Headline targets, each area with its progress and counts by status, what is overdue, by unit and by leader.
    @Sendable func overview(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let plan = try await PlanStore.find(req.parameters.get("planID"), for: req)
        if plan.status == .draft && user.role != .admin {
            throw LuoshiError.notFound(entity: "计划", id: plan.id!.uuidString)
        }
        let (snapshot, key) = try await PlanSnapshot.load(plan, for: req)
        let variant = lang.english ? "en" : "zh"
        let closeForm =
            user.role == .admin && plan.status == .published
            ? "<form method=\"post\" action=\"/plans/\(plan.id!)/close\">\(Layout.csrfField(req))<button>\(lang.t("结束本年度计划", "Close the plan"))</button></form>"
            : ""
        if let page = await req.application.snapshots.page(key, variant) {
            return html(req, title: plan.title, page + closeForm)
        }
        let units = try await Organization.query(on: req.db).all()
        let leaders = try await User.query(on: req.db).filter(\.$role == .leader).all()
        var page = OverviewPage.render(snapshot, units: units, leaders: leaders, lang: lang)
        if plan.status == .closed {
            page = "<p class=flash>\(lang.t("本计划已结束，只读。", "This plan is closed and read-only."))</p>" + page
        }
        await req.application.snapshots.store(page: page, for: key, variant)
        return html(req, title: plan.title, page + closeForm)
    }
}

/// The plan overview page, rendered from a snapshot alone.
enum OverviewPage {
    static func render(_ s: PlanSnapshot, units: [Organization], leaders: [User], lang: Lang) -> String {
        let plan = s.plan
        var out = "<h1>\(h(plan.title))</h1>"
        out +=
            "<p class=noprint><a href=\"/plans/\(plan.id!)/bulletin\">\(lang.t("月通报", "Monthly bulletin"))</a> · <a href=\"/plans/\(plan.id!)/supervision\">\(lang.t("督办规则", "Supervision rules"))</a> · <a href=\"/notices\">\(lang.t("督办单", "Notices"))</a></p>"
            + "<p>\(lang.t("总体进度", "Overall progress")) \(Layout.progressBar(s.overall.progress, expected: s.overall.expected, colour: s.overall.status.colour)) \(Format.percent(s.overall.progress)) \(Layout.statusBadge(s.overall.status, lang))</p>"
        // Counts are of the work itself: tasks, targets and projects, however deep they sit.
        out += counts(leafCounts(s, s.items.filter(PlanSnapshot.isLeaf)), lang)
        let headline = s.headline
        if !headline.isEmpty {
            out += "<h2>\(lang.t("主要预期目标", "Headline targets"))</h2><table><tbody>"
            for t in headline {
                let st = s.status(of: t)
                let actual = s.latest[t.id!]?.actualValue
                out +=
                    "<tr><td><a href=\"/items/\(t.id!)\">\(h(t.subject ?? t.title))</a></td><td class=num>\(h(Format.target(t)))</td><td class=num>\(lang.t("最新", "latest")) \(Format.number(actual))</td><td>\(Layout.statusBadge(st.status, lang))</td></tr>"
            }
            out += "</tbody></table>"
        }
        out += "<h2>\(lang.t("各领域", "Areas"))</h2><div class=cards>"
        for area in s.areas {
            let r = s.rolled[area.id!]
            out +=
                "<div class=card><h3><a href=\"/items/\(area.id!)\">\(h(area.number.map { "\($0)、" } ?? ""))\(h(area.title))</a></h3>"
            out +=
                "<p>\(Layout.progressBar(r?.progress, expected: r?.expected, colour: r?.status.colour ?? .green)) \(Format.percent(r?.progress)) \(Layout.statusBadge(r?.status ?? .notStarted, lang))</p>"
            let under = leafCounts(s, s.leaves(under: area))
            out += counts(under, lang) + chart(under) + "</div>"
        }
        out += "</div>"
        // What is overdue or behind.
        let late = s.items.filter { PlanSnapshot.isLeaf($0) && [.overdue, .behind].contains(s.status(of: $0).status) }
        out += "<h2>\(lang.t("逾期与滞后", "Overdue and behind")) (\(late.count))</h2>"
        if late.isEmpty {
            out += "<p class=muted>\(lang.t("没有逾期或滞后的事项", "Nothing is overdue or behind"))</p>"
        } else {
            out += "<table><tbody>"
            for i in late.prefix(50) {
                let unit = s.assignments[i.id!]?.$leadUnit.id.flatMap { id in units.first { $0.id == id }?.name } ?? "—"
                out +=
                    "<tr><td><a href=\"/items/\(i.id!)\">\(h(String(i.title.prefix(50))))</a></td><td>\(h(unit))</td><td>\(Layout.statusBadge(s.status(of: i).status, lang))</td></tr>"
            }
            out += "</tbody></table>"
        }
        // By unit and by leader.
        out +=
            "<h2>\(lang.t("按责任单位", "By lead unit"))</h2>"
            + grouped(
                s, key: { s.assignments[$0.id!]?.$leadUnit.id },
                names: Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.name) }), lang: lang)
        out +=
            "<h2>\(lang.t("按挂钩领导", "By lead leader"))</h2>"
            + grouped(
                s, key: { s.assignments[$0.id!]?.$leadLeader.id },
                names: Dictionary(uniqueKeysWithValues: leaders.map { ($0.id!, $0.displayName) }), lang: lang)
        return out
    }

    static func leafCounts(_ s: PlanSnapshot, _ items: [PlanItem]) -> [ItemStatus: Int] {
        var c: [ItemStatus: Int] = [:]
        for i in items { c[s.status(of: i).status, default: 0] += 1 }
        return c
    }

    static func counts(_ c: [ItemStatus: Int], _ lang: Lang) -> String {
        "<p class=counts>"
            + ItemStatus.allCases.map { s in "<span>\(Layout.statusBadge(s, lang)) \(c[s] ?? 0)</span>" }.joined()
            + "</p>"
    }

    /// A bar of the counts by status, as server-rendered SVG.
    static func chart(_ c: [ItemStatus: Int]) -> String {
        let total = max(1, c.values.reduce(0, +))
        var x = 0.0
        var rects = ""
        let colours: [StatusColour: String] = [.green: "#2e7d32", .yellow: "#e0a100", .red: "#c62828"]
        for s in ItemStatus.allCases {
            let w = Double(c[s] ?? 0) / Double(total) * 240
            if w > 0 {
                rects +=
                    "<rect x=\"\(x)\" y=\"0\" width=\"\(w)\" height=\"12\" fill=\"\(colours[s.colour]!)\" opacity=\"\(s == .done ? 1 : 0.75)\"><title>\(s.chinese) \(c[s] ?? 0)</title></rect>"
            }
            x += w
        }
        return "<svg width=\"240\" height=\"12\" viewBox=\"0 0 240 12\" role=\"img\" aria-label=\"状态分布\">\(rects)</svg>"
    }

    static func grouped(_ s: PlanSnapshot, key: (PlanItem) -> UUID?, names: [UUID: String], lang: Lang) -> String {
        var groups: [UUID: [PlanItem]] = [:]
        for i in s.items where PlanSnapshot.isLeaf(i) {
            if let k = key(i) { groups[k, default: []].append(i) }
        }
        guard !groups.isEmpty else { return "<p class=muted>\(lang.t("尚未分解", "Nothing assigned yet"))</p>" }
        var rows = ""
        for (k, list) in groups.sorted(by: { (names[$0.key] ?? "") < (names[$1.key] ?? "") }) {
            var c: [ItemStatus: Int] = [:]
            for i in list { c[s.status(of: i).status, default: 0] += 1 }
            rows += "<tr><td>\(h(names[k] ?? "?"))</td><td class=num>\(list.count)</td><td>\(counts(c, lang))</td></tr>"
        }
        return
            "<table><thead><tr><th>\(lang.t("名称", "Name"))</th><th>\(lang.t("事项", "Items"))</th><th>\(lang.t("状态", "Status"))</th></tr></thead><tbody>\(rows)</tbody></table>"
    }
}
