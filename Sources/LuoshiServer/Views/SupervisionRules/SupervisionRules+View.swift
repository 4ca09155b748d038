import Foundation
import LuoshiCore
import Plot

extension SupervisionRulesPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("督办规则", "Supervision rules") }

        func number(_ name: String, _ label: String, _ value: Int) -> any Component {
            ComponentGroup {
                FieldLabel(label, for: name)
                TextInput(name, id: name, value: "\(value)", type: "number", disabled: !model.editable)
            }
        }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let r = model.rules
            return ComponentGroup {
                Paragraph { Anchor(model.planTitle, .plan(model.plan)).zh() }.class("muted")
                H1 { Words(c.t("督办规则", "Supervision rules")) }
                Paragraph {
                    Words(
                        c.t(
                            "每月、每季度报送在报送日到期；到期前若干天、当天和逾期后提醒填报人，逾期超过规定天数同时提醒挂钩领导。逾期超过计为漏报的天数算漏报一期：漏报一期或目标进度落后超过阈值发黄色督办单，漏报两期或超过完成时限发红色督办单。督办单逾期未反馈，报挂钩领导；再过规定天数，报主要领导。",
                            "Reports fall due on the due day; reminders go before, on the day and after; late past a threshold, to the lead leader too. One missed cycle or a target behind by more than the threshold makes a yellow notice; two missed cycles or a passed due date a red one. An unanswered notice goes to the lead leader, then to the principal leader."
                        ))
                }
                PostForm(.rules(plan: model.plan), c, class: "stack") {
                    number("dueDay", c.t("每月报送日（季度为季末月）", "Monthly due day"), r.dueDay)
                    number(
                        "weeklyDueWeekday", c.t("每周报送日（1=周一）", "Weekly due weekday (1 = Monday)"), r.weeklyDueWeekday)
                    number("remindDaysBefore", c.t("提前几天提醒", "Remind days before"), r.remindDaysBefore)
                    number(
                        "leaderAfterDaysLate", c.t("逾期几天提醒挂钩领导", "Days late before the leader is told"),
                        r.leaderAfterDaysLate)
                    number(
                        "reminderWindowDays", c.t("逾期后催办几天", "Days of reminders after the due day"),
                        r.reminderWindowDays)
                    number(
                        "missedAfterDays", c.t("逾期几天计为漏报", "Days late before a cycle counts as missed"),
                        r.missedAfterDays)
                    number(
                        "behindThreshold", c.t("目标落后阈值（百分点）", "Behind threshold (points)"),
                        Int((r.behindThreshold * 100).rounded()))
                    Element("label") {
                        VoidElement("input").attr("type", "checkbox").attr("name", "automaticNotices").attr(
                            "value", "on"
                        )
                        .flag("checked", r.automaticNotices).flag("disabled", !model.editable)
                        Words(" " + c.t("自动发督办单", "Issue notices automatically"))
                    }
                    ListTable([
                        c.t("等级", "Level"), c.t("反馈天数", "Days to respond"),
                        c.t("再过几天报主要领导", "Then days before the principal leader"),
                    ]) {
                        for level in NoticeLevel.allCases {
                            TR {
                                TD { LevelBadge(level, c) }
                                TD {
                                    TextInput(
                                        "response_\(level.rawValue)", value: "\(r.responseDays[level])",
                                        type: "number",
                                        disabled: !model.editable
                                    ).attr(
                                        "aria-label", c.t("\(level.chinese)反馈天数", "Days to respond, \(level.english)"))
                                }
                                TD {
                                    TextInput(
                                        "principal_\(level.rawValue)", value: "\(r.principalAfterDays[level])",
                                        type: "number", disabled: !model.editable
                                    ).attr(
                                        "aria-label",
                                        c.t(
                                            "\(level.chinese)报主要领导天数",
                                            "Days before the principal leader is told, \(level.english)"))
                                }
                            }
                        }
                    }
                    FieldLabel(c.t("主要领导", "Principal leader"), for: "principal")
                    Element("select") {
                        Options(
                            model.leaders, value: { $0.id.uuidString }, label: { $0.name },
                            selected: model.principal?.uuidString)
                    }.attr("id", "principal").attr("name", "principal").flag("disabled", !model.editable).zh()
                    if model.editable { Paragraph { Submit(c.t("保存", "Save")) } }
                }
            }
        }
    }
}
