import Foundation
import LuoshiCore
import Plot

extension AssignTable {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("分解任务", "Assign") }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            guard let plan = model.plan else { return Paragraph { Words(c.t("还没有计划", "No plans yet")) } }
            return ComponentGroup {
                H1 {
                    Words(c.t("分解任务", "Assign tasks") + " · ")
                    Span { Words(plan.title) }.zh()
                }
                if let changed = model.changed {
                    Flash(c.t("已更新 \(changed) 项的分解", "Assignment changed on \(changed) items"))
                }
                filters(plan.id, c)
                PostForm(.assign(), c) {
                    Hidden("plan", plan.id.uuidString)
                    // The filters come back with the result, so the clerk stays where they were.
                    filterEcho
                    Paragraph {
                        Anchor(
                            c.t("全选以下 \(model.rows.count) 项", "Select all \(model.rows.count) below"),
                            model.filters.all(plan.id))
                    }
                    ListTable([
                        "", c.t("事项", "Item"), c.t("挂钩领导", "Leader"), c.t("牵头单位", "Lead unit"),
                        c.t("截止", "Due"), c.t("权重", "Weight"), c.t("状态", "Status"),
                    ]) { for r in model.rows { row(r, c) } }
                    bulkFields(c)
                }
            }
        }

        func select(
            _ name: String, all: String, _ list: [Choice], selected: UUID?, label: String
        ) -> any Component {
            Element("select") {
                Element("option", text: all).attr("value", "")
                Options(list, value: { $0.id.uuidString }, label: { $0.name }, selected: selected?.uuidString)
            }.attr("name", name).attr("aria-label", label).zh()
        }

        func filters(_ plan: UUID, _ c: PageContext) -> any Component {
            let f = model.filters
            return Element("form") {
                Element("select") {
                    Options(model.plans, value: { $0.id.uuidString }, label: { $0.name }, selected: plan.uuidString)
                }.attr("name", "plan").attr("aria-label", c.t("计划", "Plan")).zh()
                select("area", all: c.t("全部领域", "All areas"), model.areas, selected: f.area, label: c.t("领域", "Area"))
                select(
                    "unit", all: c.t("全部单位", "All units"), model.filterUnits, selected: f.unit,
                    label: c.t("单位", "Unit"))
                select(
                    "leader", all: c.t("全部领导", "All leaders"), model.leaders, selected: f.leader,
                    label: c.t("领导", "Leader"))
                Element("select") {
                    Element("option", text: c.t("全部状态", "All statuses")).attr("value", "")
                    Options(
                        ItemStatus.allCases, value: { $0.rawValue }, label: { c.name($0) },
                        selected: f.status?.rawValue)
                }.attr("name", "status").attr("aria-label", c.t("状态", "Status"))
                Checkbox("unassigned", value: "1", checked: f.unassignedOnly, label: c.t("仅未分解", "Unassigned only"))
                Words(" ")
                Submit(c.t("筛选", "Filter"))
            }.attr("method", "get").attr("action", SiteURL.assign().path).classes("card")
        }

        /// The filters as hidden fields of the bulk form.
        var filterEcho: any Component {
            let f = model.filters
            return ComponentGroup {
                if let v = f.area { Hidden("filterArea", v.uuidString) }
                if let v = f.unit { Hidden("filterUnit", v.uuidString) }
                if let v = f.leader { Hidden("filterLeader", v.uuidString) }
                if let v = f.status { Hidden("filterStatus", v.rawValue) }
                if f.unassignedOnly { Hidden("filterUnassigned", "1") }
            }
        }

        func row(_ r: Row, _ c: PageContext) -> any Component {
            TR {
                TD {
                    VoidElement("input").attr("type", "checkbox").attr("name", "items[]").attr(
                        "value", r.item.uuidString
                    )
                    .attr("aria-label", c.t("选择", "Select")).flag("checked", model.filters.selectAll)
                }
                TD { Anchor(String(r.label.prefix(60)), .item(r.item)).zh() }
                TD(r.leader ?? "—").zh()
                TD(r.unit ?? "—").zh()
                TD(Format.date(r.dueDate, c.lang))
                TD(Format.number(r.weight), class: "num")
                TD { StatusBadge(r.status, c) }
            }
        }

        func bulkFields(_ c: PageContext) -> any Component {
            let unchanged = c.t("（不变）", "(unchanged)")
            let clearable: [(String, String, String)] = [
                ("leader", "挂钩领导", "lead leader"), ("unit", "牵头单位", "lead unit"),
                ("cooperating", "配合单位", "cooperating units"), ("person", "责任人", "responsible person"),
                ("start", "开始日期", "start"), ("due", "截止日期", "due date"), ("weight", "权重", "weight"),
            ]
            return Element("fieldset") {
                Element("legend", text: c.t("批量分解所选事项", "Assign the selected items"))
                Muted(c.t("留空的项保持不变；勾选“清空”才会清除。", "Blank fields stay as they are; tick “clear” to empty one."))
                FieldLabel(c.t("挂钩领导", "Lead leader"), for: "b-leader")
                select("leader", all: unchanged, model.leaders, selected: nil, label: c.t("挂钩领导", "Lead leader"))
                    .attr("id", "b-leader")
                FieldLabel(c.t("牵头单位", "Lead unit"), for: "b-unit")
                select("unit", all: unchanged, model.units, selected: nil, label: c.t("牵头单位", "Lead unit"))
                    .attr("id", "b-unit")
                FieldLabel(c.t("配合单位", "Cooperating units"), for: "b-coop")
                Element("select") { Options(model.units, value: { $0.id.uuidString }, label: { $0.name }) }
                    .attr("id", "b-coop").attr("name", "cooperating[]").flag("multiple").attr("size", "4").zh()
                FieldLabel(c.t("责任人", "Responsible person"), for: "b-person")
                TextInput("person", id: "b-person", maxLength: 100)
                FieldLabel(c.t("开始日期", "Start"), for: "b-start")
                TextInput("start", id: "b-start", type: "date")
                FieldLabel(c.t("截止日期", "Due"), for: "b-due")
                TextInput("due", id: "b-due", type: "date")
                FieldLabel(c.t("权重", "Weight"), for: "b-weight")
                TextInput("weight", id: "b-weight", inputMode: "decimal")
                FieldLabel(c.t("报送周期", "Reporting cycle"), for: "b-cycle")
                Element("select") {
                    Element("option", text: c.t("（不变；新分解的为每月）", "(unchanged; monthly when new)")).attr("value", "")
                    Options(ReportingCycle.allCases, value: { $0.rawValue }, label: { c.name($0) })
                }.attr("id", "b-cycle").attr("name", "cycle")
                Element("fieldset") {
                    Element("legend", text: c.t("清空", "Clear"))
                    for (name, zh, en) in clearable {
                        Checkbox("clear[]", value: name, label: c.t(zh, en))
                        Words(" ")
                    }
                }
                Paragraph { Submit(c.t("分解", "Assign")) }
            }.class("card stack")
        }
    }
}
