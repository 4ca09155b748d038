import Foundation
import LuoshiCore
import Plot

extension PlanList {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("工作计划", "Work plans") }

        func content(_ c: PageContext) -> any Component {
            table(c)
            if model.hasBelow {
                Paragraph {
                    Anchor(c.t("下级落实情况（按红黄绿灯、交办任务）", "Standing of the governments below"), .standing(nil))
                }
            }
            if model.mayImport { importForm(c) }
        }

        func table(_ c: PageContext) -> any Component {
            ListTable([c.t("标题", "Title"), c.t("年度", "Year"), c.t("状态", "Status"), c.t("来源文件", "Source"), ""]) {
                if model.rows.isEmpty {
                    TR { TD(c.t("还没有计划", "No plans yet"), class: "muted").attr("colspan", "5") }
                }
                for p in model.rows { row(p, c) }
            }
        }

        func row(_ p: PlanList.Row, _ c: PageContext) -> any Component {
            TR {
                TD { Anchor(p.title, .plan(p.id)).zh() }
                TD("\(p.year)")
                TD(c.name(p.status))
                TD(p.sourceName).zh()
                TD { if p.reviewable { Anchor(c.t("审阅", "Review"), .review(plan: p.id)) } }
            }
        }

        func importForm(_ c: PageContext) -> any Component {
            ComponentGroup {
                H2 { Words(c.t("导入计划文档", "Import a plan document")) }
                PostForm(.plans, c, class: "stack card", multipart: true) {
                    FieldLabel(
                        c.t(
                            "文档（文本、GB18030、HTML、Word .docx、Markdown），或没有文档时的任务分解表（Excel .xlsx、CSV）；20 MB 以内",
                            "A document (text, GB18030, HTML, Word .docx, Markdown), or, with no document, a task breakdown "
                                + "(Excel .xlsx, CSV); up to 20 MB"), for: "doc")
                    TextInput("document", id: "doc", type: "file", required: true)
                    Paragraph { Submit(c.t("导入为草稿", "Import as a draft")) }
                }
            }
        }
    }
}
