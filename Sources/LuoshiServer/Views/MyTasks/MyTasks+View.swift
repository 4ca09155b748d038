import Foundation
import LuoshiCore
import Plot

extension MyTasks {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("我的任务", "My tasks") }

        func heading(_ c: PageContext) -> String? { c.t("本单位的任务", "My unit's tasks") + " (\(model.tasks.count))" }

        func content(_ c: PageContext) -> any Component {
            if model.returned > 0 {
                Paragraph {
                    Words(
                        c.t(
                            "有 \(model.returned) 份报送被退回，请更正后重新报送（见下表标注）。",
                            "\(model.returned) reports were returned: correct and file again (marked below)."))
                }.class("flash")
            }
            ListTable([
                c.t("事项", "Item"), c.t("角色", "Role"), c.t("下次应报", "Next report due"), c.t("截止", "Due"),
                c.t("周期", "Cycle"), c.t("状态", "Status"),
            ]) { for t in model.tasks { row(t, c) } }
        }

        func row(_ t: Task, _ c: PageContext) -> any Component {
            TR {
                TD {
                    Anchor(String(t.title.prefix(50)), .item(t.item)).zh()
                    if t.returned > 0 {
                        Words(" ")
                        Badge(c.t("\(t.returned) 份被退回", "\(t.returned) returned"), colour: "red")
                    }
                }
                TD(t.leads ? c.t("牵头", "lead") : c.t("配合", "help"))
                TD {
                    if let next = t.next {
                        Words(c.name(next.period) + " · " + c.name(next.due))
                        if next.overdue {
                            Words(" ")
                            Badge(c.t("逾期未报", "overdue"), colour: "red")
                        }
                    } else {
                        Words("—")
                    }
                }
                TD(Format.date(t.dueDate, c.lang))
                TD(c.name(t.cycle))
                TD { StatusBadge(t.status, c) }
            }
        }
    }
}
