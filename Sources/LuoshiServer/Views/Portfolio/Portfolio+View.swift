import Foundation
import LuoshiCore
import Plot

extension Portfolio {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String {
            Portfolio.title(leader: model.leader?.name, unit: model.unit?.name, c.lang)
        }

        /// The content alone, to be kept and framed later (`CachedPage`).
        func renderedContent(_ c: PageContext) -> String { content(c).render() }

        /// The heading marks the leader's name as Chinese, a name in any language.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            H1 {
                if let u = model.unit {
                    if c.lang.english { Words("Tasks led by ") }
                    Span { Words(u.name) }.zh()
                    if !c.lang.english { Words("的牵头任务") }
                } else if let l = model.leader {
                    if c.lang.english { Words("Portfolio of ") }
                    Span { Words(l.name) }.zh()
                    if !c.lang.english { Words("的分管任务") }
                } else {
                    Words(c.t("分管任务", "Portfolio"))
                }
            }
            if model.unit == nil && model.leaders.count > 1 { chooser(c) }
            if let l = model.leader {
                if l.office != nil || l.portfolio != nil {
                    Paragraph {
                        Words(
                            [l.office, l.portfolio.map { c.t("分管：", "Portfolio: ") + $0 }].compactMap { $0 }.joined(
                                separator: c.t("；", "; ")))
                    }.zh()
                }
            }
            if let plan = model.plan {
                Paragraph { Anchor(plan.title, .plan(plan.id)).zh() }
            }
            if model.rows.isEmpty {
                Paragraph {
                    Words(c.t("这个计划中还没有分解到这里的事项。", "No item of this plan is assigned here yet."))
                }
            } else {
                summary(c)
                H2 { Words(c.t("需要关注", "Needs attention") + " (\(model.needingAttention.count))") }
                if model.needingAttention.isEmpty {
                    Paragraph { Words(c.t("没有滞后、逾期或有风险的事项。", "Nothing is behind, overdue or at risk.")) }
                } else {
                    table(model.needingAttention, c)
                }
                H2 { Words(c.t("在办督办单", "Open notices") + " (\(model.notices.count))") }
                if !model.notices.isEmpty {
                    ListTable([
                        c.t("文号", "Number"), c.t("事项", "Item"), c.t("单位", "Unit"), c.t("状态", "State"),
                        c.t("反馈期限", "Respond by"),
                    ]) {
                        for n in model.notices {
                            TR {
                                TD {
                                    Anchor(n.number, .notice(n.id)).zh()
                                    Words(" ")
                                    LevelBadge(n.level, c)
                                }
                                TD { Anchor(String(n.itemTitle.prefix(40)), .item(n.item)).zh() }
                                TD(n.unit).zh()
                                TD(c.name(n.state))
                                TD(Format.date(n.respondBy, c.lang))
                            }
                        }
                    }
                }
                // Each item once: the rest are those on track, done or not yet due to start.
                let rest = model.rows.filter { $0.status.colour == .green }
                H2 {
                    Words(
                        c.t("其余事项", "The rest") + " (\(rest.count)) · "
                            + c.t(
                                model.unit == nil ? "共分管 \(model.rows.count) 项" : "共牵头 \(model.rows.count) 项",
                                "\(model.rows.count) in all"))
                }
                if !rest.isEmpty { table(rest, c) }
            }
        }

        func chooser(_ c: PageContext) -> any Component {
            Element("form") {
                FieldLabel(c.t("领导", "Leader"), for: "leader")
                Words(" ")
                Element("select") {
                    Options(
                        model.leaders, value: { $0.id.uuidString }, label: { $0.name },
                        selected: model.leader?.id.uuidString, names: true)
                }.attr("id", "leader").attr("name", "leader").zh()
                if let plan = model.plan { Hidden("plan", plan.id.uuidString) }
                Words(" ")
                Submit(c.t("查看", "Show"))
            }.attr("method", "get").attr("action", SiteURL.portfolio().path).class("card")
        }

        func summary(_ c: PageContext) -> any Component {
            Paragraph {
                for s in ItemStatus.allCases.reversed() where model.count(s) > 0 {
                    Badge(c.name(s) + " \(model.count(s))", colour: s.colour.rawValue)
                    Words(" ")
                }
            }.class("counts")
        }

        func table(_ rows: [Row], _ c: PageContext) -> any Component {
            ListTable([
                c.t("事项", "Item"), c.t("牵头单位", "Lead unit"), c.t("状态", "Status"), c.t("进度", "Progress"),
                c.t("截止", "Due"), c.t("最近报送", "Last report"), c.t("督办单", "Notices"),
            ]) {
                for r in rows {
                    TR {
                        TD { Anchor(String(r.title.prefix(60)), .item(r.item)).zh() }
                        TD {
                            if let u = r.unit {
                                Anchor(u.name, .portfolio(unit: u.id, plan: model.plan?.id)).zh()
                            } else {
                                Words("—")
                            }
                        }
                        TD { StatusBadge(r.status, c) }
                        TD { ProgressBar(r.progress, expected: r.expected, colour: r.status.colour) }
                        TD(Format.date(r.due, c.lang))
                        TD(Format.date(r.lastReport, c.lang))
                        TD("\(r.openNotices)", class: "num")
                    }
                }
            }
        }
    }
}
