import Foundation
import LuoshiCore
import Plot

/// A higher office's view: the governments under it by colour on their own plans, and its tasks handed
/// down to them; each row opens the level below (county → town → item).
enum Standing {
    struct Government {
        var id: UUID
        var name: String
        var plan: (id: UUID, title: String)?
        var byColour: [StatusColour: Int]
        var leaves: Int
        /// Whether there are governments under it to drill into.
        var hasBelow: Bool

        var redShare: Double { leaves == 0 ? 0 : Double(byColour[.red] ?? 0) / Double(leaves) }
    }

    struct Task {
        var item: UUID
        var title: String
        var rollUp: HandDown.RollUp
    }

    struct Model {
        var government: (id: UUID, name: String)?
        var above: (id: UUID, name: String)?
        var year: Int
        /// Worst first: the largest share of red.
        var below: [Government]
        var tasks: [Task]
    }

    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String {
            c.t("下级落实情况", "Standing of the governments below") + (model.government.map { " · \($0.name)" } ?? "")
        }

        // The government's name is written as it is, in Chinese, inside the English heading too.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            H1 {
                Words(c.t("下级落实情况", "Standing of the governments below"))
                if let government = model.government {
                    Words(" · ")
                    Span { Words(government.name) }.zh()
                }
            }
            if let above = model.above {
                Paragraph { Anchor("↑ " + above.name, .standing(above.id)).zh() }.class("muted")
            }
            Paragraph {
                Words(
                    c.t(
                        "\(model.year)年：各下级政府本级计划的事项按红黄绿灯计数，红灯占比高的在前。",
                        "\(model.year): each government's own plan, its items counted by colour; the largest share of red first."
                    ))
            }
            if model.below.isEmpty {
                Muted(c.t("没有下级政府。", "No governments below."))
            } else {
                ListTable([
                    c.t("下级政府", "Government"), c.t("计划", "Plan"), c.t("绿", "Green"), c.t("黄", "Yellow"),
                    c.t("红", "Red"), c.t("红灯占比", "Red share"),
                ]) {
                    for g in model.below {
                        TR {
                            TD {
                                if g.hasBelow {
                                    Anchor(g.name, .standing(g.id)).zh()
                                } else {
                                    Span { Words(g.name) }.zh()
                                }
                            }
                            TD {
                                if let p = g.plan {
                                    Anchor(p.title, .plan(p.id)).zh()
                                } else {
                                    Words(c.t("尚无本年计划", "No plan this year"))
                                }
                            }
                            TD("\(g.byColour[.green] ?? 0)", class: "num")
                            TD("\(g.byColour[.yellow] ?? 0)", class: "num")
                            TD("\(g.byColour[.red] ?? 0)", class: "num")
                            TD(g.plan == nil ? "—" : Format.percent(g.redShare), class: "num")
                        }
                    }
                }
            }
            H2 { Words(c.t("交办任务", "Tasks handed down")) }
            if model.tasks.isEmpty {
                Muted(c.t("本级计划尚无向下交办的任务。", "No task of this government's plan has been handed down."))
            } else {
                ListTable([
                    c.t("任务", "Task"), c.t("绿", "Green"), c.t("黄", "Yellow"), c.t("红", "Red"),
                    c.t("未交办", "Not handed"),
                ]) {
                    for t in model.tasks {
                        TR {
                            TD { Anchor(String(t.title.prefix(60)), .item(t.item)).zh() }
                            TD("\(t.rollUp.byColour[.green] ?? 0)", class: "num")
                            TD("\(t.rollUp.byColour[.yellow] ?? 0)", class: "num")
                            TD("\(t.rollUp.byColour[.red] ?? 0)", class: "num")
                            TD("\(t.rollUp.unreached)", class: "num")
                        }
                    }
                }
            }
        }
    }
}
