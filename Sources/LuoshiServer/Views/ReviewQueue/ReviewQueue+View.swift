import Foundation
import LuoshiCore
import Plot

extension ReviewQueue {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("审核报送", "Reviews") }

        func heading(_ c: PageContext) -> String? {
            c.t("待审核的报送", "Reports awaiting review") + " (\(model.page.total))"
        }

        func content(_ c: PageContext) -> any Component {
            if let accepted = model.accepted {
                Paragraph {
                    Words(
                        c.t("已采纳 \(accepted) 份报送。", "\(accepted) reports accepted.")
                            + ((model.skipped ?? 0) > 0
                                ? c.t(
                                    "另有 \(model.skipped!) 份已由他人审核或不能采纳，未改动。",
                                    " \(model.skipped!) had been reviewed by someone else or could not be accepted, and were left as they were."
                                )
                                : ""))
                }.class("flash")
            }
            filters(c)
            ListTable([
                c.t("选择", "Select"), c.t("事项", "Item"), c.t("报送期", "Period"), c.t("单位", "Unit"),
                c.t("数值", "Figures"), c.t("进展", "Narrative"), "",
            ]) {
                if model.pending.isEmpty {
                    TR { TD(c.t("没有待审核的报送", "Nothing to review"), class: "muted").attr("colspan", "7") }
                }
                for r in model.pending { row(r, c) }
            }
            if !model.pending.isEmpty {
                // The rows' boxes belong to this form by its id: each row keeps its own accept and return forms.
                PostForm(.acceptMany, c, class: "card") {
                    Paragraph {
                        Anchor(
                            c.t("全选本页", "Select this page"),
                            .reviewsFiltered(
                                .init(unit: model.filters.unit, text: model.filters.text, selectAll: true),
                                page: model.page.number))
                        Words(" · ")
                        Submit(c.t("采纳所选报送", "Accept the selected reports"))
                    }
                }.attr("id", "bulk-accept")
            }
            Pager(paging: model.page, context: c, measure: ("份", "reports")) { [filters = model.filters] in
                .reviewsFiltered(filters, page: $0)
            }
        }

        func filters(_ c: PageContext) -> any Component {
            Element("form") {
                Div {
                    FieldLabel(c.t("单位（含下级）", "Unit (with the units under it)"), for: "unit")
                    Element("select") {
                        Element("option", text: c.t("全部单位", "All units")).attr("value", "")
                        UnitOptions(model.units, selected: model.filters.unit?.uuidString, c)
                    }.attr("id", "unit").attr("name", "unit")
                }
                Div {
                    FieldLabel(c.t("事项名称含", "Item title contains"), for: "q")
                    TextInput("q", id: "q", value: model.filters.text, maxLength: 100)
                }
                Div { Submit(c.t("筛选", "Filter")) }
            }.attr("method", "get").attr("action", SiteURL.reviews.path).class("filters")
        }

        func row(_ r: Pending, _ c: PageContext) -> any Component {
            TR {
                TD {
                    VoidElement("input").attr("type", "checkbox").attr("name", "reports[]")
                        .attr("value", r.report.uuidString).attr("form", "bulk-accept")
                        .attr("aria-label", c.t("选择", "Select")).flag("checked", model.filters.selectAll)
                }
                TD { Anchor(String(r.itemTitle.prefix(40)), .item(r.item)).zh() }
                TD(r.period).zh()
                TD(r.unit).zh()
                TD(Format.number(r.actualValue) + (r.percentComplete.map { " · \(Int($0))%" } ?? ""))
                TD(String(r.narrative.prefix(80))).zh()
                TD { ReviewForms(report: r.report, c) }
            }
        }
    }
}

/// Accept, or return with a reason: on the queue and under each pending report of an item.
func ReviewForms(report: UUID, _ c: PageContext) -> any Component {
    Div {
        PostForm(.accept(report: report), c, class: "inline") { Submit(c.t("采纳", "Accept")) }
        Words(" ")
        PostForm(.giveBack(report: report), c, class: "inline") {
            TextInput("reason", required: true, maxLength: 1000, placeholder: c.t("退回理由", "Reason for returning"))
                .attr("aria-label", c.t("退回理由", "Reason for returning"))
            Words(" ")
            Submit(c.t("退回", "Return"))
        }
    }
}
