import Fluent
import Foundation
import LuoshiCore
import Plot

extension ItemShow {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { model.item.title }

        static let attributeNames = [
            "investment": "总投资", "length": "长度", "siteArea": "占地面积", "floorArea": "建筑面积", "width": "宽度",
            "capacity": "规模",
        ]

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let item = model.item
            return ComponentGroup {
                Paragraph {
                    Anchor(model.plan.title, .plan(model.plan.id)).zh()
                    Words(" · " + c.name(item.kind))
                }.class("muted")
                H1 { Words(item.kind == .target ? (item.subject ?? item.title) : item.title) }.zh()
                if let source = model.handDown?.source {
                    Paragraph {
                        Badge(c.t("上级交办", "Handed down"), colour: "blue")
                        Words(" \(source.government) · \(source.plan) · ")
                        if let id = source.item {
                            Anchor(String(source.title.prefix(60)), .item(id))
                        } else {
                            Words(String(source.title.prefix(60)))
                        }
                    }.class("muted").zh()
                }
                standing(c)
                if item.kind == .target {
                    Paragraph {
                        Words(c.t("目标", "Target") + "：")
                        Element("strong", text: Format.target(item)).zh()
                        if let per = item.per { Span { Words(" / 每" + per) }.zh() }
                    }
                }
                H2 { Words(c.t("承诺原文", "The promise in the plan's words")) }
                Paragraph { Words(model.words) }.class("quote").zh()
                if item.kind == .project && !item.attributes.isEmpty {
                    Paragraph {
                        Words(
                            item.attributes.map { a in
                                "\(Self.attributeNames[a.name] ?? a.name)：\(Format.comparator(a.comparator))\(Format.number(a.value)) \(a.unit ?? "")"
                            }.joined(separator: "；"))
                    }
                }
                if item.kind == .target { Muted(item.title).zh() }
                H2 { Words(c.t("分解落实", "Assignment")) }
                assignment(c)
                notices(c)
                milestones(c)
                children(c)
                handDown(c)
                H2 { Words(c.t("进展报送", "Progress reports")) }.id("reports")
                if model.reports.isEmpty { Muted(c.t("暂无报送", "No reports yet")) }
                Element("ol") { for r in model.reports { report(r, c) } }.class("timeline")
                reportPages(c)
                if model.allowed.file { reportForm(c) }
                H2 { Words(c.t("评论与批示", "Comments and instructions")) }
                Element("ol") {
                    for cm in model.comments {
                        ListItem {
                            if cm.isInstruction {
                                Element("strong", text: c.t("批示", "Instruction"))
                                Words(" · ")
                            }
                            Span { Words(cm.author) }.zh()
                            Words(" · \(Format.date(cm.createdAt, c.lang))")
                            VoidElement("br")
                            Span { Words(cm.body) }.zh()
                        }
                    }
                }.class("timeline")
                if let kind = model.allowed.comment {
                    PostForm(.comment(item: item.id!), c, class: "stack") {
                        FieldLabel(kind == .instruction ? c.t("批示", "Instruction") : c.t("评论", "Comment"), for: "c")
                        TextBox("body", id: "c", required: true, maxLength: 5000)
                        Paragraph { Submit(c.t("提交", "Post")) }
                    }
                }
            }
        }

        /// Its status, or, retired, who took it out of the plan and why.
        func standing(_ c: PageContext) -> any Component {
            if let r = model.retired {
                return Paragraph {
                    Words(
                        c.t("此事项已撤销，不在计划中", "This item was retired and is no longer in the plan") + "："
                            + "\(Format.date(r.at, c.lang)) \(r.by) \(r.reason ?? "")")
                    if let into = r.mergedInto {
                        Words(" ")
                        Anchor(c.t("合并后的事项", "the merged item"), .item(into))
                    }
                }.class("flash").attr("role", "status")
            }
            // A retired item is out of the plan's roll-up: it has no status of its own to show.
            let st = model.status
            let done = c.t("完成", "done")
            let expected = c.t("应达", "expected")
            let figures = " \(done) \(Format.percent(st.progress)) · \(expected) \(Format.percent(st.expected))"
            return Paragraph {
                StatusBadge(st.status, c)
                Words(" ")
                ProgressBar(st.progress, expected: st.expected, colour: st.status.colour)
                Words(figures)
            }
        }

        func assignment(_ c: PageContext) -> any Component {
            guard let a = model.assignment else { return Muted(c.t("尚未分解", "Not assigned yet")) }
            /// A fact; `named` when it is a name (a person, a unit), kept in Chinese on an English page.
            func row(_ th: String, _ td: String, named: Bool = false) -> any Component {
                TR {
                    Element("th", text: th)
                    named ? TD(td).zh() : TD(td)
                }
            }
            return Element("table") {
                Element("tbody") {
                    row(c.t("挂钩领导", "Lead leader"), a.leader ?? "—", named: true)
                    row(c.t("牵头单位", "Lead unit"), a.leadUnit ?? "—", named: true)
                    row(
                        c.t("配合单位", "Cooperating units"),
                        a.cooperating.isEmpty ? "—" : a.cooperating.joined(separator: "、"), named: true)
                    row(c.t("责任人", "Responsible person"), a.responsiblePerson ?? "—", named: true)
                    row(
                        c.t("起止日期", "Period"), "\(Format.date(a.startDate, c.lang)) — \(Format.date(a.dueDate, c.lang))"
                    )
                    row(c.t("权重", "Weight"), Format.number(a.weight))
                    row(c.t("报送周期", "Reporting cycle"), c.name(a.cycle))
                }
            }
        }

        func notices(_ c: PageContext) -> any Component {
            guard model.allowed.seeNotices || !model.notices.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("督办", "Supervision notices")) }
                if !model.notices.isEmpty {
                    Element("ul") {
                        for n in model.notices {
                            ListItem {
                                Anchor(n.number, .notice(n.id)).zh()
                                Words(" ")
                                LevelBadge(n.level, c)
                                Words(" ")
                                Span { Words(n.unit) }.zh()
                                Words(" · \(c.name(n.state)) · \(Format.date(n.issuedAt, c.lang)) · ")
                                Span { Words(n.reason) }.zh()
                            }
                        }
                    }
                }
                if model.allowed.issueNotice {
                    Paragraph { Anchor(c.t("发督办单", "Issue a notice"), .newNotice(item: model.item.id!)) }
                }
            }
        }

        func milestones(_ c: PageContext) -> any Component {
            guard model.allowed.addMilestone || !model.milestones.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("节点", "Milestones")) }
                if !model.milestones.isEmpty {
                    ListTable([
                        c.t("节点", "Milestone"), c.t("计划", "Planned"), c.t("实际", "Actual"), c.t("占比", "Share"), "",
                    ]) {
                        for m in model.milestones {
                            TR {
                                TD(m.name).zh()
                                TD(Format.date(m.plannedDate, c.lang))
                                TD {
                                    if let actual = m.actualDate {
                                        Words(Format.date(actual, c.lang))
                                    } else if m.late {
                                        Badge(c.t("未按期", "late"), colour: "red")
                                    } else {
                                        Words("—")
                                    }
                                }
                                TD(Format.percent(m.share), class: "num")
                                TD {
                                    if m.actualDate == nil && model.allowed.reachMilestone {
                                        PostForm(.reachMilestone(m.id), c, class: "inline") {
                                            Submit(c.t("记录完成", "Reached"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if model.allowed.addMilestone {
                    PostForm(.addMilestone(item: model.item.id!), c, class: "stack") {
                        FieldLabel(c.t("新增节点", "Add a milestone"), for: "m-name")
                        TextInput(
                            "name", id: "m-name", required: true, maxLength: 200,
                            placeholder: c.t("如：完成招标", "e.g. tender awarded"))
                        FieldLabel(c.t("计划日期", "Planned date"), for: "m-date")
                        TextInput("plannedDate", id: "m-date", type: "date", required: true)
                        FieldLabel(c.t("完成后占总工作量（%）", "Share of the work when reached (%)"), for: "m-share")
                        TextInput("share", id: "m-share", value: "50", inputMode: "decimal")
                        Paragraph { Submit(c.t("添加", "Add")) }
                    }
                }
            }
        }

        /// The towns' standing on a task handed down, best first, and the form to hand it to more towns.
        func handDown(_ c: PageContext) -> any Component {
            guard let part = model.handDown, let rollUp = part.standing else { return EmptyComponent() }
            let reached = rollUp.ranked.filter { $0.item != nil }
            let unreached = rollUp.ranked.filter { $0.item == nil }
            return ComponentGroup {
                H2 { Words(c.t("下级落实情况", "Towns on this task")) }.id("handdown")
                Paragraph {
                    Words(
                        c.t(
                            "已交办 \(reached.count) 个，绿 \(rollUp.byColour[.green] ?? 0)、黄 \(rollUp.byColour[.yellow] ?? 0)、红 \(rollUp.byColour[.red] ?? 0)；滞后 \(rollUp.behind) 个；未交办 \(rollUp.unreached) 个。",
                            "Handed to \(reached.count): green \(rollUp.byColour[.green] ?? 0), yellow \(rollUp.byColour[.yellow] ?? 0), red \(rollUp.byColour[.red] ?? 0); \(rollUp.behind) behind; \(rollUp.unreached) not yet handed."
                        ))
                }
                if !reached.isEmpty {
                    ListTable([c.t("名次", "Rank"), c.t("下级", "Town"), c.t("状态", "Status"), c.t("进度", "Progress")]) {
                        for (n, t) in reached.enumerated() {
                            TR {
                                TD("\(n + 1)", class: "num")
                                TD { Anchor(t.townName, .item(t.item!)).zh() }
                                TD { t.status.map { StatusBadge($0, c) } ?? EmptyComponent() }
                                TD(t.progress.map { Format.percent($0) } ?? "—", class: "num")
                            }
                        }
                    }
                }
                if part.mayHandDown && !unreached.isEmpty {
                    PostForm(.handDown(model.item.id!), c, class: "stack") {
                        Paragraph { Words(c.t("交办给：", "Hand down to:")) }
                        for t in unreached {
                            Checkbox("towns[]", value: t.town.uuidString, checked: true, label: t.townName)
                        }
                        Paragraph { Submit(c.t("交办", "Hand down")) }
                    }
                }
            }
        }

        func children(_ c: PageContext) -> any Component {
            guard !model.children.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("下属事项", "Under this item")) }
                Element("table") {
                    Element("tbody") {
                        for ch in model.children {
                            TR {
                                TD(c.name(ch.kind))
                                TD { Anchor(String(ch.label.prefix(60)), .item(ch.id)).zh() }
                                TD { StatusBadge(ch.status, c) }
                            }
                        }
                    }
                }
            }
        }

        /// "Reports 51–100 of 1,234", with newer and older pages, when there is more than one page.
        func reportPages(_ c: PageContext) -> any Component {
            Pager(paging: model.reportPage, context: c, measure: ("份", "reports")) { [id = model.item.id!] in
                .itemReports(id, page: $0)
            }
        }

        func report(_ r: Report, _ c: PageContext) -> any Component {
            let colour = r.state == .accepted ? "green" : r.state == .returned ? "red" : "yellow"
            return ListItem {
                Element("strong", text: r.period)
                Words(" · ")
                Span { Words("\(r.unit) · \(r.author)") }.zh()
                Words(" · \(Format.date(r.submittedAt, c.lang)) · ")
                Badge(c.name(r.state), colour: colour)
                if let v = r.actualValue {
                    Words(" · " + c.t("实际", "actual") + " \(Format.number(v)) ")
                    Span { Words(model.item.unit ?? "") }.zh()
                }
                if let p = r.percentComplete { Words(" · \(Int(p))%") }
                if let m = r.milestone {
                    Words(" · ")
                    Span { Words(m) }.zh()
                }
                VoidElement("br")
                Span { Words(r.narrative) }.zh()
                if let p = r.problems {
                    VoidElement("br")
                    Words(c.t("存在问题：", "Problems: "))
                    Span { Words(p) }.zh()
                }
                if let n = r.nextSteps {
                    VoidElement("br")
                    Words(c.t("下一步措施：", "Next steps: "))
                    Span { Words(n) }.zh()
                }
                if !r.files.isEmpty {
                    VoidElement("br")
                    Words(c.t("证明材料：", "Evidence: "))
                    for (i, f) in r.files.enumerated() {
                        if i > 0 { Words(c.t("、", ", ")) }
                        Anchor(f.filename, .evidence(f.id)).zh()
                    }
                    // Photos are what a village reporter sends: shown, not only listed.
                    let photos = r.files.filter(\.image)
                    if !photos.isEmpty {
                        Div {
                            for f in photos {
                                Element("a") {
                                    VoidElement("img").attr("src", SiteURL.evidence(f.id).path).attr("alt", f.filename)
                                        .attr("loading", "lazy")
                                }.attr("href", SiteURL.evidence(f.id).path)
                            }
                        }.class("photos")
                    }
                }
                if let reason = r.reviewReason {
                    VoidElement("br")
                    Element("em") {
                        Words(c.t("审核意见：", "Review: "))
                        Span { Words(reason) }.zh()
                    }
                }
                if model.allowed.review && r.state == .submitted { ReviewForms(report: r.id, c) }
            }
        }

        func reportForm(_ c: PageContext) -> any Component {
            let item = model.item
            return ComponentGroup {
                H2 { Words(c.t("报送进展", "File a report")) }
                PostForm(.fileReport(item: item.id!), c, class: "stack card", multipart: true) {
                    FieldLabel(c.t("报送期", "Period"), for: "period")
                    if model.periods.isEmpty {
                        TextInput("period", id: "period", value: model.period, required: true)
                            .attr("pattern", #"\d{4}-(0[1-9]|1[0-2]|Q[1-4]|W\d{2}|H[12])"#)
                    } else {
                        // The periods owed, the oldest missed first (chosen), so a late unit catches up in order.
                        Element("select") {
                            for (i, owed) in model.periods.enumerated() {
                                Element(
                                    "option",
                                    text: c.name(owed.period) + " · "
                                        + (owed.overdue
                                            ? c.t("逾期未报，应于", "missed, due ") + c.name(owed.period.due)
                                            : c.t("应于", "due ") + c.name(owed.period.due))
                                    // Work due by a date only is reported for the month it is reported in.
                                ).attr("value", owed.period.key.hasSuffix("-final") ? model.period : owed.period.key)
                                    .flag("selected", i == 0)
                            }
                        }.attr("id", "period").attr("name", "period")
                    }
                    if item.kind == .target {
                        FieldLabel(c.t("实际数值", "Actual figure") + " (\(item.unit ?? ""))", for: "av")
                        TextInput("actualValue", id: "av", inputMode: "decimal")
                    }
                    FieldLabel(c.t("完成百分比", "Percent complete"), for: "pc")
                    TextInput("percentComplete", id: "pc", type: "number").attr("min", "0").attr("max", "100")
                        .attr("step", "1")
                    FieldLabel(c.t("节点（填“完成”表示全部完成）", "Milestone (\"done\" when finished)"), for: "ms")
                    TextInput("milestone", id: "ms", maxLength: 200)
                    FieldLabel(c.t("进展情况", "Narrative"), for: "nr")
                    TextBox("narrative", id: "nr", required: true, maxLength: 10000)
                    FieldLabel(c.t("存在问题（选填）", "Problems (optional)"), for: "pb")
                    TextBox("problems", id: "pb", maxLength: 5000)
                    FieldLabel(c.t("下一步措施（选填）", "Next steps (optional)"), for: "ns")
                    TextBox("nextSteps", id: "ns", maxLength: 5000)
                    FieldLabel(
                        c.t(
                            "证明材料（PDF、图片、Office 文件，每个 20 MB 以内）",
                            "Evidence (PDF, images, Office files; up to 20 MB each)"),
                        for: "ev")
                    TextInput("evidence[]", id: "ev", type: "file").flag("multiple").attr(
                        "accept", EvidenceStore.accept)
                    Paragraph { Submit(c.t("提交报送", "Submit")) }
                }
            }
        }
    }
}
