import Foundation
import LuoshiCore
import Plot

extension BulletinPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String {
            c.t(
                "督查督办月通报 \(model.bulletin.year)年\(model.bulletin.month)月",
                "Monthly supervision bulletin, \(CivilDay.monthNames[model.bulletin.month - 1]) \(model.bulletin.year)")
        }

        var month: String { String(format: "%04d-%02d", model.bulletin.year, model.bulletin.month) }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let b = model.bulletin
            return ComponentGroup {
                Element("article") {
                    Header {
                        H1 { Words(c.t("督查督办月通报", "Monthly supervision bulletin")) }
                        Paragraph { Words(c.t("\(b.year)年第\(b.month)期", "No. \(b.month), \(b.year)")) }
                        Paragraph {
                            Span { Words(b.issuer) }.zh()
                            Words(c.t("督查办", " supervision office") + " · \(Format.date(b.asOf, c.lang))")
                        }
                    }.class("masthead")
                    H2 {
                        Span { Words(b.planTitle) }.zh()
                        Words(
                            c.t(
                                "落实情况（\(b.year)年\(b.month)月）",
                                ": how it was carried out in \(CivilDay.monthNames[b.month - 1]) \(b.year)"))
                    }.class("center")
                    Paragraph { Words(c.t(b.summary, b.englishSummary)) }.class("indent")
                    H3 { Words(c.t("一、各单位报送情况", "1. Reports by unit")) }
                    ListTable([
                        c.t("单位", "Unit"), c.t("应报", "Due"), c.t("按时", "On time"), c.t("逾期", "Late"),
                        c.t("未报", "Missing"), c.t("红色督办", "Red notices"), c.t("黄色督办", "Yellow notices"),
                        c.t("蓝色督办", "Blue notices"),
                    ]) {
                        for r in b.units { TR { cells(r) } }
                        TR(class: "total") { cells(b.totals) }
                    }
                    H3 { Words(c.t("二、状态变化的事项", "2. Items whose colour changed")) }
                    if b.changes.isEmpty {
                        Paragraph { Words(c.t("本月无事项状态变化。", "No item changed colour this month.")) }.class("indent")
                    } else {
                        ListTable([c.t("事项", "Item"), c.t("月初", "Month began"), c.t("月末", "Month ended")]) {
                            for ch in b.changes {
                                TR {
                                    TD { Anchor(ch.title, .item(ch.item)).zh() }
                                    TD { Badge(c.name(ch.from), colour: ch.from.rawValue) }
                                    TD { Badge(c.name(ch.to), colour: ch.to.rawValue) }
                                }
                            }
                        }
                    }
                    H3 { Words(c.t("三、逾期时间最长的事项", "3. The items longest overdue")) }
                    if b.mostOverdue.isEmpty {
                        Paragraph { Words(c.t("本月无逾期事项。", "Nothing is overdue this month.")) }.class("indent")
                    } else {
                        ListTable([
                            c.t("事项", "Item"), c.t("牵头单位", "Lead unit"), c.t("完成时限", "Due"),
                            c.t("逾期天数", "Days overdue"),
                        ]) {
                            for o in b.mostOverdue {
                                TR {
                                    TD { Anchor(o.title, .item(o.item)).zh() }
                                    TD(o.unit).zh()
                                    TD(Format.date(o.due, c.lang))
                                    TD("\(o.days)", class: "num")
                                }
                            }
                        }
                    }
                    Paragraph { Words(c.t(Bulletin.closing, Bulletin.englishClosing)) }.class("indent")
                }.class("paper bulletin")
                Element("form") {
                    FieldLabel(c.t("月份", "Month"), for: "month")
                    TextInput("month", id: "month", value: month, type: "month")
                    Submit(c.t("查看", "Show"))
                    Words(" ")
                    Anchor(c.t("下载 Word", "Download as Word"), .bulletinDocx(plan: model.plan, month: month))
                }.attr("method", "get").classes("noprint")
            }
        }

        func cells(_ r: Bulletin.UnitRow) -> any Component {
            ComponentGroup {
                TD(r.unit).zh()
                for n in [r.due, r.onTime, r.late, r.missing, r.red, r.yellow, r.blue] { TD("\(n)", class: "num") }
            }
        }
    }
}
