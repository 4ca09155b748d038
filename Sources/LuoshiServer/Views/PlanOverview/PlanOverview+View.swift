import Fluent
import Foundation
import LuoshiCore
import Plot

extension PlanOverview {
    /// The page around the cached body.
    struct View: PageView {
        var frame: Frame

        func title(_ c: PageContext) -> String { frame.title }

        /// The cached body holds the heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                // Rendered by `Body` below from escaped components: trusted markup of our own.
                Node<HTML.BodyContext>.raw(frame.body)
                closeForm(c)
            }
        }

        /// Closing is asked about first (the link leads to what it will do); reopening needs a reason.
        func closeForm(_ c: PageContext) -> any Component {
            ComponentGroup {
                if frame.mayImport {
                    Paragraph {
                        Anchor(
                            c.t("导入修改后的任务分解表…", "Import an edited task breakdown…"), .breakdownImport(plan: frame.plan))
                    }.class("noprint")
                }
                releaseForm(c)
                lifecycleForm(c)
            }
        }

        /// Releasing to the public: what citizens see changes only when staff release again.
        func releaseForm(_ c: PageContext) -> any Component {
            guard frame.mayRelease else { return EmptyComponent() }
            return PostForm(.releasePlan(frame.plan), c, class: "stack card noprint") {
                H2 { Words(c.t("向社会公开", "Public release")) }
                if let r = frame.release {
                    Paragraph {
                        Words(
                            c.t(
                                "已于 \(Format.date(r.at, c.lang)) 第 \(r.number) 次公开。此后的修改在再次公开后才对外显示；进展报送审核通过即显示。",
                                "Release \(r.number) of \(Format.date(r.at, c.lang)). Edits since show on the public site "
                                    + "once released again; accepted reports show at once."))
                        Words(" ")
                        Anchor(c.t("查看公开页面", "See the public page"), .publicPlan(frame.plan))
                    }
                } else {
                    Paragraph {
                        Words(
                            c.t(
                                "本计划尚未向社会公开。公开后，群众无需登录即可查看各项任务的进展和已审核的报送（不含草稿、退回的报送和证明材料）。",
                                "Not yet released. Once released, anyone can read each item's progress and its accepted "
                                    + "reports without an account (never drafts, returned reports or evidence files)."))
                    }
                }
                FieldLabel(c.t("公开说明（可选）", "What changed (optional)"), for: "release-note")
                TextInput("note", id: "release-note", maxLength: 500)
                Paragraph { Submit(c.t(frame.release == nil ? "向社会公开" : "再次公开", "Release to the public")) }
            }
        }

        func lifecycleForm(_ c: PageContext) -> any Component {
            if frame.mayReopen {
                return PostForm(.reopen(plan: frame.plan), c, class: "stack noprint") {
                    FieldLabel(c.t("重新打开本计划的理由", "Why the plan is reopened"), for: "reopen-reason")
                    TextInput("reason", id: "reopen-reason", required: true, maxLength: 500)
                    Paragraph { Submit(c.t("重新打开", "Reopen the plan")) }
                }
            }
            guard frame.mayClose else { return EmptyComponent() }
            return Paragraph { Anchor(c.t("结束本年度计划…", "Close the plan…"), .close(plan: frame.plan)).classes("button") }
                .class("noprint")
        }

        /// The cached body goes straight into the frame, not through Plot again.
        func document(_ c: PageContext) -> String {
            Layout.document(c, title: title(c), content: frame.body + closeForm(c).render())
        }
    }

    /// The body shared by every reader, in one language.
    struct Body {
        var model: Model

        func render(_ c: PageContext) -> String { content(c).render() }

        func content(_ c: PageContext) -> any Component {
            let s = model.snapshot
            let plan = s.plan
            let late = s.items.filter {
                PlanSnapshot.isLeaf($0) && [.overdue, .behind].contains(s.status(of: $0).status)
            }
            return ComponentGroup {
                if plan.status == .closed { Flash(c.t("本计划已结束，只读。", "This plan is closed and read-only.")) }
                H1 { Words(plan.title) }.zh()
                Paragraph {
                    Anchor(c.t("月通报", "Monthly bulletin"), .bulletin(plan: plan.id!))
                    Words(" · ")
                    Anchor(c.t("人大报告", "Report to the congress"), .congress(plan: plan.id!, period: "\(plan.year)-H1"))
                    Words(" · ")
                    Anchor(c.t("督办规则", "Supervision rules"), .rules(plan: plan.id!))
                    Words(" · ")
                    Anchor(c.t("督办单", "Notices"), .notices())
                    Words(" · ")
                    Anchor(c.t("任务分解表 (Excel)", "Task breakdown (Excel)"), .breakdown(plan: plan.id!))
                    Words(" · ")
                    Anchor(c.t("进展表 (Excel)", "Progress sheet (Excel)"), .breakdown(plan: plan.id!, progress: true))
                    Words(" · ")
                    Anchor(
                        c.t("逾期事项 (Excel)", "Overdue items (Excel)"),
                        .breakdown(plan: plan.id!, overdue: true, progress: true))
                    Words(" · ")
                    Anchor(c.t("台账 (Excel)", "Ledger (Excel)"), .ledger(plan: plan.id!))
                    Words(" · ")
                    Anchor(c.t("考核", "Assessment"), .assessment(plan: plan.id!))
                }.class("noprint")
                Paragraph {
                    Words(c.t("总体进度", "Overall progress") + " ")
                    ProgressBar(s.overall.progress, expected: s.overall.expected, colour: s.overall.status.colour)
                    Words(" " + Format.percent(s.overall.progress) + " ")
                    StatusBadge(s.overall.status, c)
                }
                // Counts are of the work itself: tasks, targets and projects, however deep they sit.
                Counts(counts(s.items.filter(PlanSnapshot.isLeaf)), c)
                headline(c)
                H2 { Words(c.t("各领域", "Areas")) }
                Div { for area in s.areas { areaCard(area, c) } }.class("cards")
                H2 { Words(c.t("逾期与滞后", "Overdue and behind") + " (\(late.count))") }
                if late.isEmpty {
                    Muted(c.t("没有逾期或滞后的事项", "Nothing is overdue or behind"))
                } else {
                    Element("table") {
                        Element("tbody") {
                            for i in late.prefix(50) {
                                TR {
                                    TD { Anchor(String(i.title.prefix(50)), .item(i.id!)).zh() }
                                    TD(s.assignments[i.id!]?.$leadUnit.id.flatMap { model.unitNames[$0] } ?? "—").zh()
                                    TD { StatusBadge(s.status(of: i).status, c) }
                                }
                            }
                        }
                    }
                }
                H2 { Words(c.t("按责任单位", "By lead unit")) }.attr("id", "by-unit")
                order(c)
                grouped(
                    { s.assignments[$0.id!]?.$leadUnit.id }, names: model.unitNames,
                    link: { .portfolio(unit: $0, plan: plan.id!) }, c)
                H2 { Words(c.t("按挂钩领导", "By lead leader")) }
                grouped(
                    { s.assignments[$0.id!]?.$leadLeader.id }, names: model.leaderNames,
                    link: { .portfolio(leader: $0, plan: plan.id!) }, c)
            }
        }

        /// Links that order the unit and leader lists.
        func order(_ c: PageContext) -> any Component {
            Paragraph {
                Words(c.t("排序：", "Order: "))
                for (i, o) in GroupOrder.allCases.enumerated() {
                    if i > 0 { Words(" · ") }
                    let label =
                        switch o {
                        case .name: c.t("名称", "name")
                        case .count: c.t("事项多的在前", "most items")
                        case .late: c.t("逾期滞后多的在前", "most behind")
                        }
                    Anchor(label, .planSorted(model.snapshot.plan.id!, o.rawValue)).attr(
                        "aria-current", o == model.sort ? "true" : nil)
                }
            }.class("noprint")
        }

        func counts(_ items: [PlanItem]) -> [ItemStatus: Int] {
            var c: [ItemStatus: Int] = [:]
            for i in items { c[model.snapshot.status(of: i).status, default: 0] += 1 }
            return c
        }

        func headline(_ c: PageContext) -> any Component {
            let s = model.snapshot
            guard !s.headline.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("主要预期目标", "Headline targets")) }
                Element("table") {
                    Element("tbody") {
                        for t in s.headline {
                            TR {
                                TD { Anchor(t.subject ?? t.title, .item(t.id!)).zh() }
                                TD(Format.target(t), class: "num").zh()
                                TD(
                                    c.t("最新", "latest") + " " + Format.number(s.latest[t.id!]?.actualValue),
                                    class: "num")
                                TD { StatusBadge(s.status(of: t).status, c) }
                            }
                        }
                    }
                }
            }
        }

        func areaCard(_ area: PlanItem, _ c: PageContext) -> any Component {
            let r = model.snapshot.rolled[area.id!]
            let under = counts(model.snapshot.leaves(under: area))
            return Div {
                H3 { Anchor((area.number.map { "\($0)、" } ?? "") + area.title, .item(area.id!)).zh() }
                Paragraph {
                    ProgressBar(r?.progress, expected: r?.expected, colour: r?.status.colour ?? .green)
                    Words(" " + Format.percent(r?.progress) + " ")
                    StatusBadge(r?.status ?? .notStarted, c)
                }
                Counts(under, c)
                StatusChart(under, c)
            }.class("card")
        }

        func grouped(
            _ key: (PlanItem) -> UUID?, names: [UUID: String], link: @escaping (UUID) -> SiteURL, _ c: PageContext
        ) -> any Component {
            var groups: [UUID: [PlanItem]] = [:]
            for i in model.snapshot.items where PlanSnapshot.isLeaf(i) {
                if let k = key(i) { groups[k, default: []].append(i) }
            }
            guard !groups.isEmpty else { return Muted(c.t("尚未分解", "Nothing assigned yet")) }
            let late = groups.mapValues { list in
                list.filter { [.overdue, .behind].contains(model.snapshot.status(of: $0).status) }.count
            }
            let sorted = groups.sorted { a, b in
                let (na, nb) = (names[a.key] ?? "", names[b.key] ?? "")
                switch model.sort {
                case .name: return na < nb
                case .count: return (a.value.count, nb) > (b.value.count, na)
                case .late: return (late[a.key] ?? 0, nb) > (late[b.key] ?? 0, na)
                }
            }
            return ListTable([c.t("名称", "Name"), c.t("事项", "Items"), c.t("状态", "Status")]) {
                for (k, list) in sorted {
                    TR {
                        TD { Anchor(names[k] ?? "?", link(k)).zh() }
                        TD("\(list.count)", class: "num")
                        TD { Counts(counts(list), c) }
                    }
                }
            }
        }
    }
}

/// Counts by status, each with its badge.
func Counts(_ counts: [ItemStatus: Int], _ c: PageContext) -> any Component {
    Paragraph {
        for s in ItemStatus.allCases {
            Span {
                StatusBadge(s, c)
                Words(" \(counts[s] ?? 0)")
            }
        }
    }.class("counts")
}

/// A bar of the counts by status, as server-rendered SVG: the one place views write raw markup, from
/// numbers and fixed colours only.
func StatusChart(_ counts: [ItemStatus: Int], _ c: PageContext) -> any Component {
    let total = max(1, counts.values.reduce(0, +))
    var x = 0.0
    var rects = ""
    let colours: [StatusColour: String] = [.green: "#2e7d32", .yellow: "#e0a100", .red: "#c62828"]
    for s in ItemStatus.allCases {
        let w = Double(counts[s] ?? 0) / Double(total) * 240
        if w > 0 {
            rects +=
                "<rect x=\"\(x)\" y=\"0\" width=\"\(w)\" height=\"12\" fill=\"\(colours[s.colour]!)\" opacity=\"\(s == .done ? 1 : 0.75)\"><title>\(Escape.attribute(c.name(s))) \(counts[s] ?? 0)</title></rect>"
        }
        x += w
    }
    return Node<HTML.BodyContext>.raw(
        "<svg width=\"240\" height=\"12\" viewBox=\"0 0 240 12\" role=\"img\" aria-label=\"\(c.t("状态分布", "Items by status"))\">\(rects)</svg>"
    )
}
