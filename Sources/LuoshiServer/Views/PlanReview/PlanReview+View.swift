import Fluent
import Foundation
import LuoshiCore
import Plot

extension PlanReview {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("审阅", "Review") + " · " + model.title }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                H1 {
                    Span { Words(model.title) }.zh()
                    Words(" ")
                    Element("small", text: c.name(model.status)).classes("muted")
                }
                Muted("\(model.sourceName) · \(model.sourceEncoding) · sha256 \(model.sourceSHA256.prefix(16))…")
                if model.mayPublish {
                    Paragraph {
                        Anchor(c.t("发布计划…", "Publish the plan…"), .publish(plan: model.plan)).classes("button")
                    }
                }
                // The tree on the left scrolls with the page (a clicked item's link brings it back into
                // view); the right column stays in the viewport beside it: the chosen item's form, then
                // its words in the source.
                Div {
                    Element("nav") { tree(model.tree) }.classes("tree card").zh()
                    Div {
                        if let chosen = model.chosen {
                            EditForms(plan: model.plan, status: model.status, chosen: chosen, c)
                        }
                        Element("pre") {
                            if let marked = model.source.marked {
                                // Around the chosen words only: the whole document is a page of its own.
                                Words("…" + String(model.source.before.suffix(300)))
                                Element("mark", text: marked).attr("id", "src")
                                Words(String(model.source.after.prefix(600)) + "…")
                            } else {
                                Words(model.source.before)
                                Words(model.source.after)
                            }
                        }.classes("source").zh()
                    }.class("beside").id("edit")
                }.class("review")
            }
        }

        func tree(_ nodes: [Node]) -> any Component {
            guard !nodes.isEmpty else { return EmptyComponent() }
            return Element("ul") {
                for n in nodes {
                    ListItem {
                        Element("a", text: String(n.label.prefix(60))).attr("id", "i-\(n.id)")
                            .attr("href", "?item=\(n.id)#i-\(n.id)").classes(n.id == model.selected ? "sel" : "")
                        tree(n.children)
                    }
                }
            }
        }
    }
}

/// The forms beside a chosen item on the review page: correct, move, merge, split, retire, add.
struct EditForms: Component {
    var plan: UUID
    var status: PlanStatus
    var chosen: PlanReview.Chosen
    var c: PageContext

    init(plan: UUID, status: PlanStatus, chosen: PlanReview.Chosen, _ c: PageContext) {
        self.plan = plan
        self.status = status
        self.chosen = chosen
        self.c = c
    }

    /// A published promise changes only with a reason.
    var reason: any Component {
        ComponentGroup {
            if status != .draft {
                FieldLabel(c.t("修改理由（已发布的承诺必填）", "Reason (required for published promises)"))
                TextInput("reason", required: true, maxLength: 500)
            }
        }
    }

    func number(_ v: Double?) -> String? { v.map { Format.number(plain: $0) } }

    var body: any Component {
        let item = chosen.item
        let id = item.id!
        let words = Array(item.title)
        let half = words.count / 2
        return Element("section") {
            H2 { Words(c.t("修改所选事项", "Correct the chosen item")) }
            PostForm(.edit(item: id, .edit), c, class: "stack") {
                FieldLabel(c.t("文字", "Words"))
                TextBox("title", text: item.title, required: true)
                if item.kind == .target {
                    FieldLabel(c.t("主体", "Subject"))
                    TextInput("subject", value: item.subject)
                    FieldLabel(c.t("比较", "Comparator"))
                    Element("select") {
                        Options(
                            TargetComparator.allCases, value: { $0.rawValue },
                            label: { Format.comparatorName($0, c.lang) },
                            selected: item.comparator?.rawValue)
                    }.attr("name", "comparator")
                    FieldLabel(c.t("数值", "Value"))
                    TextInput("value", value: number(item.value), inputMode: "decimal")
                    FieldLabel(c.t("下限 / 上限", "Min / max"))
                    TextInput("valueMin", value: number(item.valueMin), inputMode: "decimal")
                    Words(" ")
                    TextInput("valueMax", value: number(item.valueMax), inputMode: "decimal")
                    FieldLabel(c.t("单位", "Unit"))
                    TextInput("unit", value: item.unit)
                    FieldLabel(c.t("基数（从…提高到…的起点）", "Baseline (where the count starts)"))
                    TextInput("baseline", value: number(item.baseline), inputMode: "decimal")
                }
                reason
                Paragraph { Submit(c.t("保存", "Save")) }
            }
            PostForm(.edit(item: id, .move), c, class: "stack") {
                FieldLabel(c.t("移到", "Move under"))
                Element("select") {
                    Element("option", text: c.t("（顶层）", "(top)")).attr("value", "")
                    Options(
                        chosen.sections, value: { $0.id.uuidString }, label: { String($0.title.prefix(30)) },
                        selected: item.$parent.id?.uuidString)
                }.attr("name", "parent")
                reason
                Paragraph { Submit(c.t("移动", "Move")) }
            }
            if !chosen.siblings.isEmpty {
                PostForm(.edit(item: id, .merge), c, class: "stack") {
                    FieldLabel(c.t("与此项合并", "Merge with"))
                    Element("select") {
                        Options(chosen.siblings, value: { $0.id.uuidString }, label: { String($0.title.prefix(30)) })
                    }.attr("name", "other")
                    reason
                    Paragraph { Submit(c.t("合并", "Merge")) }
                }
            }
            PostForm(.edit(item: id, .split), c, class: "stack") {
                FieldLabel(c.t("拆分为两项：前半", "Split in two: first part"))
                TextBox("first", text: String(words[..<half]))
                FieldLabel(c.t("后半", "second part"))
                TextBox("second", text: String(words[half...]))
                reason
                Paragraph { Submit(c.t("拆分", "Split")) }
            }
            PostForm(.edit(item: id, .retire), c, class: "stack") {
                reason
                Paragraph {
                    Submit(
                        c.t("撤销此项（保留其报送与督办单，从计划中移出）", "Retire (its reports and notices are kept; it leaves the plan)"))
                }
            }
            PostForm(.addItem(plan: plan), c, class: "stack") {
                Hidden(
                    "parent",
                    item.kind == .area || item.kind == .theme ? id.uuidString : item.$parent.id?.uuidString ?? "")
                FieldLabel(c.t("在此处新增", "Add here"))
                Element("select") {
                    Options(
                        [ItemKind.task, .theme, .project, .area], value: { $0.rawValue },
                        label: { c.name($0) })
                }.attr("name", "kind")
                TextBox("title", required: true, placeholder: c.t("文字", "Words"))
                reason
                Paragraph { Submit(c.t("新增", "Add")) }
            }
        }.class("card stack")
    }
}
