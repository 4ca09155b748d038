import Foundation
import LuoshiCore
import Plot

extension NoticeList {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("督办单", "Supervision notices") }

        func content(_ c: PageContext) -> any Component {
            Paragraph {
                for (i, f) in Filter.allCases.enumerated() {
                    if i > 0 { Words(" · ") }
                    Anchor(name(f, c), .notices(state: f.rawValue, filters: model.filters)).attr(
                        "aria-current", f == model.filter ? "page" : nil)
                }
            }
            search(c)
            if model.mayIssue {
                // A notice is about one item: the button leads to a list of items, most behind first.
                Paragraph { Anchor(c.t("发督办单", "Issue a notice"), .newNotice()).classes("button") }
            }
            ListTable([
                c.t("文号", "Number"), c.t("等级", "Level"), c.t("事项", "Item"), c.t("单位", "Unit"),
                c.t("状态", "State"), c.t("反馈期限", "Respond by"), c.t("来源", "Source"),
            ]) {
                if model.rows.isEmpty { TR { TD(c.t("没有督办单", "No notices")).attr("colspan", "7") } }
                for n in model.rows { row(n, c) }
            }
            Pager(paging: model.page, context: c, measure: ("份", "notices")) {
                [filter = model.filter, filters = model.filters] in
                .notices(state: filter.rawValue, page: $0, filters: filters)
            }
        }

        /// Find a notice by number or item; narrow by unit, level and lateness. A plain GET form.
        func search(_ c: PageContext) -> any Component {
            let f = model.filters
            return Element("form") {
                Hidden("state", model.filter.rawValue)
                Div {
                    FieldLabel(c.t("文号或事项", "Number or item"), for: "q")
                    TextInput(
                        "q", id: "q", value: f.text, maxLength: 100,
                        placeholder: c.t("如 督〔2015〕12号", "e.g. 2015-12, or 12"))
                }
                if !model.units.isEmpty {
                    Div {
                        FieldLabel(c.t("单位（含下级）", "Unit (with the units under it)"), for: "unit")
                        Element("select") {
                            Element("option", text: c.t("全部单位", "All units")).attr("value", "")
                            UnitOptions(model.units, selected: f.unit?.uuidString, c)
                        }.attr("id", "unit").attr("name", "unit")
                    }
                }
                Div {
                    FieldLabel(c.t("等级", "Level"), for: "level")
                    Element("select") {
                        Element("option", text: c.t("全部等级", "All levels")).attr("value", "")
                        Options(
                            NoticeLevel.allCases, value: { $0.rawValue }, label: { c.name($0) },
                            selected: f.level?.rawValue)
                    }.attr("id", "level").attr("name", "level")
                }
                Div { Checkbox("overdue", value: "1", checked: f.overdueOnly, label: c.t("只看逾期", "Overdue only")) }
                Div { Submit(c.t("查找", "Find")) }
            }.attr("method", "get").attr("action", SiteURL.notices().path).class("filters")
        }

        func name(_ f: Filter, _ c: PageContext) -> String {
            switch f {
            case .open: return c.t("在办", "Open")
            case .closed: return c.t("已办结", "Closed")
            case .all: return c.t("全部", "All")
            }
        }

        func row(_ n: Row, _ c: PageContext) -> any Component {
            TR {
                TD { Anchor(n.number, .notice(n.id)).zh() }
                TD { LevelBadge(n.level, c) }
                TD { Anchor(String(n.itemTitle.prefix(40)), .item(n.item)).zh() }
                TD(n.unit).zh()
                TD {
                    Words(c.name(n.state))
                    if n.escalation > 0 {
                        Words(" · ")
                        Badge(c.t(n.escalation == 1 ? "已报挂钩领导" : "已报主要领导", "escalated"), colour: "red")
                    }
                }
                TD(Format.date(n.respondBy, c.lang))
                TD(n.automatic ? c.t("自动", "Automatic") : c.t("人工", "By hand"))
            }
        }
    }
}
