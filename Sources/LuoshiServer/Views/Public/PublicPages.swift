import Foundation
import LuoshiCore
import Plot

/// The public site: a released plan for citizens, deputies and journalists, no account needed. Only what a
/// release and accepted reports hold appears here; never a reporter's name, a phone, an e-mail, evidence,
/// drafts or returned reports.
enum PublicPages {
    static func figure(_ item: ReleasedItem, _ report: ProgressReport?) -> String {
        guard let r = report else { return "—" }
        if let v = r.actualValue { return Format.number(v) + (item.unit.map { " " + $0 } ?? "") }
        if let p = r.percentComplete { return Format.number(p) + "%" }
        return r.milestone ?? "—"
    }

    static func due(_ item: ReleasedItem, _ c: PageContext) -> String {
        item.due.map { Format.date($0, c.lang) } ?? "—"
    }

    /// Where to read the open data, on every public page of a plan.
    static func dataLinks(_ plan: UUID, _ c: PageContext) -> any Component {
        Paragraph {
            Words(c.t("开放数据：", "Open data: "))
            Element("a") { Element("code", text: "plan.json") }.attr(
                "href", SiteURL.publicFile(plan: plan, name: "plan.json").path)
            Words(" · ")
            Element("a") { Element("code", text: "plan.csv") }.attr(
                "href", SiteURL.publicFile(plan: plan, name: "plan.csv").path)
            Words(" · ")
            Anchor(c.t("更新订阅 (Atom)", "Updates (Atom feed)"), .publicFile(plan: plan, name: "feed.atom"))
            Words(" · ")
            Anchor(c.t("字段说明与许可", "Fields and licence"), .publicData)
            Words(" · ")
            Anchor(c.t("考核结果", "Assessment results"), .publicAssessment(plan))
        }.class("noprint")
    }

    struct Index: PageView {
        var plans: [(plan: Plan, release: PublicRelease, overall: RollUp.Result?)]

        func title(_ c: PageContext) -> String { c.t("政府工作计划落实情况", "How the government's work plans are carried out") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                if plans.isEmpty {
                    Muted(c.t("尚无公开的计划。", "No plan has been released to the public yet."))
                } else {
                    ListTable([c.t("计划", "Plan"), c.t("年度", "Year"), c.t("公开于", "Released"), c.t("总体进度", "Overall")]) {
                        for p in plans {
                            TR {
                                TD { Anchor(p.plan.title, .publicPlan(p.plan.id!)).zh() }
                                TD("\(p.plan.year)", class: "num")
                                TD(Format.date(p.release.releasedAt, c.lang))
                                TD {
                                    ProgressBar(
                                        p.overall?.progress, expected: p.overall?.expected,
                                        colour: p.overall?.status.colour ?? .green)
                                }
                            }
                        }
                    }
                }
                Paragraph { Anchor(c.t("开放数据的字段说明与许可", "The open data's fields and licence"), .publicData) }
            }
        }
    }

    struct PlanPage: PageView {
        var view: PublicPlan
        /// Feedback on the plan as a whole, and the form for more.
        var feedback: [Feedback] = []
        var units: [UUID: String] = [:]
        var form: FeedbackViews.FormModel? = nil
        /// Issued reports to the people's congress: period and title.
        var congress: [(period: String, title: String)] = []

        func title(_ c: PageContext) -> String { view.content.title }
        func heading(_ c: PageContext) -> String? { nil }

        func row(_ item: ReleasedItem, _ c: PageContext) -> any Component {
            let st = view.status(item)
            return TR {
                TD(item.code, class: "nowrap")
                TD { Anchor(item.title, .publicItem(plan: view.content.planID, code: item.code)).zh() }
                TD(item.leadUnit ?? "—").zh()
                TD(PublicPages.due(item, c), class: "nowrap")
                TD {
                    if item.dropped != nil {
                        Badge(c.t("已撤销", "Dropped"), colour: "grey")
                    } else {
                        StatusBadge(st.status, c)
                    }
                }
                // A figure carries the plan's unit, in its words (千米, 万元).
                TD(PublicPages.figure(item, view.latest(item)), class: "num").zh()
                TD {
                    if item.dropped == nil {
                        ProgressBar(st.progress, expected: st.expected, colour: st.status.colour)
                    }
                }
            }
        }

        func table(_ items: [ReleasedItem], _ c: PageContext) -> any Component {
            ListTable([
                c.t("编号", "No."), c.t("事项", "Item"), c.t("牵头单位", "Lead unit"), c.t("完成时限", "Due"),
                c.t("状态", "Status"), c.t("最新数据", "Latest figure"), c.t("进度", "Progress"),
            ]) {
                for item in items { row(item, c) }
            }
        }

        /// An area's work: its own items, then each theme's under its heading, however deep themes go.
        func area(_ area: ReleasedItem, _ c: PageContext) -> any Component {
            let st = view.status(area)
            return Element("section") {
                H2 { Words(area.title) }.zh()
                Paragraph {
                    StatusBadge(st.status, c)
                    Words(" ")
                    ProgressBar(st.progress, expected: st.expected, colour: st.status.colour)
                }
                section(area, c)
            }
        }

        func section(_ parent: ReleasedItem, _ c: PageContext) -> any Component {
            let kids = view.children(of: parent.id)
            let own = kids.filter { $0.kind != .theme && $0.kind != .area }
            return ComponentGroup {
                if !own.isEmpty { table(own, c) }
                for theme in kids where theme.kind == .theme || theme.kind == .area {
                    if !view.children(of: theme.id).isEmpty {
                        H3 { Words(theme.title) }.zh()
                        section(theme, c)
                    }
                }
            }
        }

        func content(_ c: PageContext) -> any Component {
            let plan = view.content
            let overall = view.snapshot.overall
            let counts = Dictionary(grouping: view.live.filter { PlanSnapshot.isLeaf($0.model(plan: plan.planID)) }) {
                view.status($0).status.colour
            }.mapValues(\.count)
            let headline = plan.items.filter { $0.headline && $0.parent == nil }
            let areas = plan.items.filter { $0.parent == nil && $0.kind == .area }
            let places = Dictionary(grouping: view.live.filter(\.place)) { $0.leadUnit ?? "" }
            return ComponentGroup {
                H1 { Words(plan.title) }.zh()
                Paragraph {
                    Words(
                        c.t(
                            "\(plan.issuer ?? "")\(plan.year)年工作计划的落实情况，截至 \(Format.date(view.now, c.lang))。",
                            "How the \(plan.year) work plan is carried out, as of \(Format.date(view.now, c.lang))."))
                    Words(" ")
                    Words(
                        c.t(
                            "第 \(view.release.number) 次公开于 \(Format.date(view.release.releasedAt, c.lang))",
                            "Release \(view.release.number) of \(Format.date(view.release.releasedAt, c.lang))"))
                    Words(c.t("：", ": "))
                    Span { Words(view.release.note) }.zh()
                }
                Paragraph {
                    Words(c.t("总体进度 ", "Overall "))
                    ProgressBar(overall.progress, expected: overall.expected, colour: overall.status.colour)
                    for colour in StatusColour.allCases where (counts[colour] ?? 0) > 0 {
                        Words(" ")
                        Badge("\(c.name(colour)) \(counts[colour]!)", colour: colour.rawValue)
                    }
                }
                PublicPages.dataLinks(plan.planID, c)
                if !congress.isEmpty {
                    Paragraph {
                        Words(c.t("人大报告：", "Reports to the people's congress: "))
                        for (n, r) in congress.enumerated() {
                            if n > 0 { Words(" · ") }
                            Anchor(r.title, .publicCongress(plan: plan.planID, period: r.period)).zh()
                        }
                    }
                }
                if !headline.isEmpty {
                    H2 { Words(c.t("主要预期目标", "Headline targets")) }
                    table(headline, c)
                }
                for a in areas { area(a, c) }
                if let form {
                    H2 { Words(c.t("群众留言", "Feedback")) }.attr("id", "feedback")
                    FeedbackViews.list(feedback, units: units, c)
                    FeedbackViews.form(form, c)
                    H2 { Words(c.t("关注本计划", "Follow this plan")) }.attr("id", "follow")
                    FeedbackViews.follow(form, c)
                }
                if !places.isEmpty {
                    H2 { Words(c.t("按村（社区）", "By village or community")) }
                    ListTable([c.t("村（社区）", "Village or community"), c.t("事项", "Items"), c.t("状态", "Status")]) {
                        for (place, items) in places.sorted(by: { $0.key < $1.key }) {
                            TR {
                                TD(place).zh()
                                TD {
                                    for (n, item) in items.enumerated() {
                                        if n > 0 { Words("、") }
                                        Anchor(item.title, .publicItem(plan: plan.planID, code: item.code))
                                    }
                                }.zh()
                                TD {
                                    for item in items { StatusBadge(view.status(item).status, c) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    struct ItemPage: PageView {
        var view: PublicPlan
        var item: ReleasedItem
        var history: [(report: ProgressReport, status: ItemStatus, progress: Double?)]
        /// The days its status changed, by reports and by time passing.
        var changes: [(day: CivilDay, status: ItemStatus)] = []
        var milestones: [Milestone]
        var feedback: [Feedback] = []
        var units: [UUID: String] = [:]
        var form: FeedbackViews.FormModel? = nil

        func title(_ c: PageContext) -> String { item.code + " " + item.title }
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let st = view.status(item)
            let plan = view.content
            return ComponentGroup {
                Paragraph { Anchor(plan.title, .publicPlan(plan.planID)).zh() }
                H1 {
                    Words(item.code + " ")
                    Span { Words(item.title) }.zh()
                }
                if let why = item.dropped {
                    Paragraph {
                        Badge(c.t("已撤销", "Dropped"), colour: "grey")
                        Words(
                            " " + c.t("于 ", "on ") + Format.date(item.droppedAt, c.lang) + c.t("撤销，理由：", ", because: "))
                        Span { Words(why.isEmpty ? "—" : why) }.zh()
                    }.class("flash")
                }
                Element("blockquote") {
                    Paragraph {
                        Words(c.t("计划原文：", "The plan's words: "))
                        Span { Words(item.words.isEmpty ? item.title : item.words) }.zh()
                    }
                }
                Element("dl") {
                    Element("dt", text: c.t("牵头单位", "Lead unit"))
                    Element("dd", text: item.leadUnit ?? "—").zh()
                    Element("dt", text: c.t("责任领导", "Responsible leader"))
                    Element("dd", text: item.leader ?? "—").zh()
                    if !item.cooperating.isEmpty {
                        Element("dt", text: c.t("配合单位", "Cooperating units"))
                        Element("dd", text: item.cooperating.joined(separator: "、")).zh()
                    }
                    Element("dt", text: c.t("完成时限", "Due"))
                    Element("dd", text: PublicPages.due(item, c))
                    if item.dropped == nil {
                        Element("dt", text: c.t("状态", "Status"))
                        Element("dd") {
                            StatusBadge(st.status, c)
                            Words(" ")
                            ProgressBar(st.progress, expected: st.expected, colour: st.status.colour)
                        }
                        Element("dt", text: c.t("最新数据", "Latest figure"))
                        Element("dd", text: PublicPages.figure(item, view.latest(item))).zh()
                    }
                }
                if item.dropped == nil {
                    H2 { Words(c.t("进度变化", "Progress over time")) }
                    PublicPages.chart(history, item: item, year: plan.year, c)
                }
                if !milestones.isEmpty {
                    H2 { Words(c.t("节点", "Milestones")) }
                    ListTable([c.t("节点", "Milestone"), c.t("计划日期", "Planned"), c.t("完成日期", "Reached")]) {
                        for m in milestones {
                            TR {
                                TD(m.name).zh()
                                TD(Format.date(m.plannedDate, c.lang))
                                TD(m.actualDate.map { Format.date($0, c.lang) } ?? c.t("未完成", "Not yet"))
                            }
                        }
                    }
                }
                if changes.count > 1 {
                    H2 { Words(c.t("状态变化", "Status changes")) }
                    Element("ol") {
                        for change in changes {
                            Element("li") {
                                Words(c.name(change.day) + " ")
                                StatusBadge(change.status, c)
                            }
                        }
                    }.class("changes")
                }
                H2 { Words(c.t("进展报送（已审核）", "Progress reports (accepted)")) }
                if history.isEmpty {
                    Muted(c.t("尚无审核通过的报送。", "No accepted report yet."))
                } else {
                    ListTable([
                        c.t("审核日期", "Accepted"), c.t("期次", "Period"), c.t("数据", "Figure"), c.t("进展", "Progress"),
                        c.t("当时状态", "Status then"),
                    ]) {
                        for h in history.reversed() {
                            TR {
                                TD(Format.date(h.report.reviewedAt ?? h.report.submittedAt, c.lang), class: "nowrap")
                                TD(h.report.period, class: "nowrap")
                                TD(PublicPages.figure(item, h.report), class: "num").zh()
                                TD(h.report.narrative).zh()
                                TD { StatusBadge(h.status, c) }
                            }
                        }
                    }
                }
                H2 { Words(c.t("群众留言", "Feedback")) }.attr("id", "feedback")
                FeedbackViews.list(feedback, units: units, c)
                if let form, item.dropped == nil {
                    FeedbackViews.form(form, c)
                    H2 { Words(c.t("关注本事项", "Follow this item")) }.attr("id", "follow")
                    FeedbackViews.follow(form, c)
                }
                PublicPages.dataLinks(plan.planID, c)
            }
        }
    }

    /// Progress against the year, drawn on the server: each accepted report's progress at the day it was
    /// accepted, and the line of what should be done (from start to due).
    static func chart(
        _ history: [(report: ProgressReport, status: ItemStatus, progress: Double?)], item: ReleasedItem, year: Int,
        _ c: PageContext
    ) -> any Component {
        let first = CivilDay(year: year, month: 1, day: 1)
        let days = Double(first.days(until: CivilDay(year: year, month: 12, day: 31)))
        let w = 600.0, h = 160.0, left = 36.0, bottom = 20.0
        func x(_ d: Date) -> Double {
            let n = Double(first.days(until: CivilDay(d, calendar: .beijing)))
            return left + (w - left - 8) * min(max(n / days, 0), 1)
        }
        func y(_ p: Double) -> Double { (h - bottom) - (h - bottom - 8) * min(max(p, 0), 1) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let points = history.compactMap { h in h.progress.map { (h.report.reviewedAt ?? h.report.submittedAt, $0) } }
        let start = item.start ?? first.start(in: .beijing)
        let due = item.due ?? CivilDay(year: year, month: 12, day: 31).start(in: .beijing)
        let described =
            points.last.map { c.t("最新进度 \(Int(($0.1 * 100).rounded()))%", "latest \(Int(($0.1 * 100).rounded()))%") }
            ?? c.t("尚无数据", "no figures yet")
        return Element("svg") {
            for p in [0.0, 0.5, 1.0] {
                Element("line").attr("x1", f(left)).attr("x2", f(w - 8)).attr("y1", f(y(p))).attr("y2", f(y(p)))
                    .attr("class", "grid")
                Element("text", text: "\(Int(p * 100))%").attr("x", "0").attr("y", f(y(p) + 4))
            }
            for m in [1, 4, 7, 10] {
                Element("text", text: c.t("\(m)月", ["", "Jan", "", "", "Apr", "", "", "Jul", "", "", "Oct"][m]))
                    .attr("x", f(x(CivilDay(year: year, month: m, day: 1).start(in: .beijing)))).attr("y", f(h - 4))
            }
            Element("line").attr("x1", f(x(start))).attr("y1", f(y(0))).attr("x2", f(x(due))).attr("y2", f(y(1)))
                .attr("class", "expected")
            if !points.isEmpty {
                Element("polyline").attr(
                    "points", points.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
                ).attr("class", "actual")
                for p in points {
                    Element("circle").attr("cx", f(x(p.0))).attr("cy", f(y(p.1))).attr("r", "3")
                }
            }
        }.attr("viewBox", "0 0 \(Int(w)) \(Int(h))").attr("class", "chart").attr("role", "img")
            .attr("aria-label", c.t("进度随时间变化（虚线为应达进度）：", "Progress over the year (dashed: expected): ") + described)
    }

    struct AssessmentResults: PageView {
        var plan: UUID
        var title: String
        var results: [(round: AssessmentRound, result: AssessmentService.Result)]

        func title(_ c: PageContext) -> String { c.t("考核结果", "Assessment results") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph { Anchor(title, .publicPlan(plan)).zh() }
                if results.isEmpty {
                    Muted(c.t("尚无公示或定稿的考核结果。", "No assessment result is under notice or final yet."))
                }
                for (round, r) in results {
                    Element("section") {
                        H2 { Words(c.t("考核期 \(round.period)", "Period \(round.period)")) }
                        Paragraph {
                            Badge(c.name(round.stage), colour: round.stage == .final ? "green" : "yellow")
                            Words(
                                " "
                                    + c.t(
                                        "数据截至 \(r.at.chinese)，考核方案第 \(r.scheme.version) 版。",
                                        "Data as of \(r.at.english), scheme version \(r.scheme.version)."))
                            if round.stage == .publicity, let until = round.publicityUntil {
                                Words(
                                    c.t(
                                        "公示至 \(until)，有异议的单位可在公示期内提出。",
                                        " Under notice until \(until); units may object until then."))
                            }
                        }
                        for group in Set(r.scores.map(\.group)).sorted() {
                            H3 { Words(group) }.zh()
                            ListTable([c.t("名次", "Place"), c.t("单位", "Unit"), c.t("得分", "Total"), c.t("等次", "Grade")]) {
                                for s in r.scores where s.group == group {
                                    TR {
                                        TD("\(s.rank)", class: "num")
                                        TD(s.name).zh()
                                        TD(String(format: "%.2f", Assessment.rounded(s.total)), class: "num")
                                        TD(c.name(s.grade) + (s.vetoed ? c.t("（一票否决）", " (veto)") : ""))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    struct DataPage: PageView {
        func title(_ c: PageContext) -> String { c.t("开放数据说明", "About the open data") }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph {
                    Words(
                        c.t(
                            "每个公开的计划提供三种数据，地址固定，随每次公开和每份审核通过的报送更新。其中只有公开页面上可见的内容：不含草稿、退回的报送、证明材料，也不含报送人的姓名和联系方式。",
                            "Each released plan offers three files at stable addresses, updated with each release and each accepted report. They hold only what the public pages show: no drafts, returned reports or evidence files, and no reporter's name or contact details."
                        ))
                }
                Element("dl") {
                    Element("dt") { Element("code", text: "/public/plans/{id}/plan.json") }
                    Element(
                        "dd",
                        text: c.t(
                            "luoshi-plan/1 格式（JSON）：计划的领域、任务、目标和项目，每项的 progress 为截至当天的状态（status、colour）、最新数据（actual、percent）、牵头单位、责任领导和全部已审核报送（history）。",
                            "The luoshi-plan/1 format (JSON): the plan's areas, tasks, targets and projects; each task's and target's progress holds its status and colour as of the day, the latest figure (actual, percent), the lead unit, the responsible leader and every accepted report (history)."
                        ))
                    Element("dt") { Element("code", text: "/public/plans/{id}/plan.csv") }
                    Element(
                        "dd",
                        text: c.t(
                            "每行一项：编号、类型、所属领域、事项、牵头单位、责任领导、配合单位、完成时限、状态、进度（%）、最新数值、单位、计划原文。UTF-8，Excel 可直接打开。",
                            "One row an item: number, kind, area, item, lead unit, leader, cooperating units, due date, status, progress (%), latest figure, unit, the plan's words. UTF-8, opens in Excel."
                        ))
                    Element("dt") { Element("code", text: "/public/plans/{id}/feed.atom") }
                    Element(
                        "dd",
                        text: c.t(
                            "Atom 订阅（RFC 4287）：每次公开和每份审核通过的报送是一条。",
                            "An Atom feed (RFC 4287): each release and each accepted report is an entry."))
                }
                H2 { Words(c.t("许可", "Licence")) }
                Paragraph {
                    Words(
                        c.t(
                            "数据按知识共享署名 4.0 国际许可协议（CC BY 4.0）开放，使用时请注明来源（发布计划的人民政府）。",
                            "The data is open under the Creative Commons Attribution 4.0 International licence (CC BY 4.0): name the source, the people's government that issued the plan."
                        ))
                }
            }
        }
    }
}
