import Foundation
import LuoshiCore
import Plot

extension ReviewQueue {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("审核报送", "Reviews") }

        func heading(_ c: PageContext) -> String? {
            c.t("待审核的报送", "Reports awaiting review") + " (\(model.pending.count))"
        }

        func content(_ c: PageContext) -> any Component {
            ListTable([
                c.t("事项", "Item"), c.t("报送期", "Period"), c.t("单位", "Unit"), c.t("数值", "Figures"),
                c.t("进展", "Narrative"), "",
            ]) {
                if model.pending.isEmpty {
                    TR { TD(c.t("没有待审核的报送", "Nothing to review"), class: "muted").attr("colspan", "6") }
                }
                for r in model.pending { row(r, c) }
            }
        }

        func row(_ r: Pending, _ c: PageContext) -> any Component {
            TR {
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
