import Foundation
import LuoshiCore
import Plot

extension BulletinPage {
    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { "督查督办月通报 \(model.bulletin.year)年\(model.bulletin.month)月" }

        var month: String { String(format: "%04d-%02d", model.bulletin.year, model.bulletin.month) }

        /// The page draws its own heading.
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            let b = model.bulletin
            return ComponentGroup {
                Element("article") {
                    Header {
                        H1 { Words("督查督办月通报") }
                        Paragraph { Words("\(b.year)年第\(b.month)期") }
                        Paragraph { Words("\(b.issuer)督查办 · \(Format.date(b.asOf, c.lang))") }
                    }.class("masthead")
                    H2 { Words("\(b.planTitle)落实情况（\(b.year)年\(b.month)月）") }.class("center")
                    Paragraph { Words(b.summary) }.class("indent")
                    H3 { Words("一、各单位报送情况") }
                    ListTable(["单位", "应报", "按时", "逾期", "未报", "红色督办", "黄色督办", "蓝色督办"]) {
                        for r in b.units { TR { cells(r) } }
                        TR(class: "total") { cells(b.totals) }
                    }
                    H3 { Words("二、状态变化的事项") }
                    if b.changes.isEmpty {
                        Paragraph { Words("本月无事项状态变化。") }.class("indent")
                    } else {
                        ListTable(["事项", "月初", "月末"]) {
                            for ch in b.changes {
                                TR {
                                    TD { Anchor(ch.title, .item(ch.item)) }
                                    TD { Badge(c.name(ch.from), colour: ch.from.rawValue) }
                                    TD { Badge(c.name(ch.to), colour: ch.to.rawValue) }
                                }
                            }
                        }
                    }
                    H3 { Words("三、逾期时间最长的事项") }
                    if b.mostOverdue.isEmpty {
                        Paragraph { Words("本月无逾期事项。") }.class("indent")
                    } else {
                        ListTable(["事项", "牵头单位", "完成时限", "逾期天数"]) {
                            for o in b.mostOverdue {
                                TR {
                                    TD { Anchor(o.title, .item(o.item)) }
                                    TD(o.unit)
                                    TD(o.due)
                                    TD("\(o.days)", class: "num")
                                }
                            }
                        }
                    }
                    Paragraph { Words(Bulletin.closing) }.class("indent")
                }.class("paper bulletin")
                Element("form") {
                    FieldLabel("月份", for: "month")
                    TextInput("month", id: "month", value: month, type: "month")
                    Submit("查看")
                    Words(" ")
                    Anchor("下载 Word", .bulletinDocx(plan: model.plan, month: month))
                }.attr("method", "get").classes("noprint")
            }
        }

        func cells(_ r: Bulletin.UnitRow) -> any Component {
            ComponentGroup {
                TD(r.unit)
                for n in [r.due, r.onTime, r.late, r.missing, r.red, r.yellow, r.blue] { TD("\(n)", class: "num") }
            }
        }
    }
}
