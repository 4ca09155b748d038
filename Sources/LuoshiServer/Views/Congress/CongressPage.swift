import Fluent
import Foundation
import LuoshiCore
import Plot

/// The report to the people's congress: staff draft and edit it, then issue it; the public reads it issued.
enum CongressPage {
    /// The report as read: its four parts and the table of targets.
    static func body(_ c: CongressReportContent, _ ctx: PageContext) -> any Component {
        func paragraphs(_ text: String) -> any Component {
            ComponentGroup {
                for line in text.split(whereSeparator: \.isNewline) { Paragraph { Words(String(line)) } }
            }
        }
        return Element("article") {
            H2 { Words("一、执行人大决议和主要目标的情况") }
            paragraphs(c.resolutions)
            if !c.targets.isEmpty {
                ListTable(["指标", "计划目标", "实际完成", "完成率"]) {
                    for t in c.targets {
                        TR {
                            TD(t.target)
                            TD(t.plan)
                            TD(t.actual, class: "num")
                            TD(t.rate, class: "num")
                        }
                    }
                }
            }
            H2 { Words("二、各领域工作进展") }
            paragraphs(c.work)
            H2 { Words("三、存在的问题和下一步打算") }
            paragraphs(c.problems)
            H2 { Words("四、其他事项") }
            paragraphs(c.other.isEmpty ? "无。" : c.other)
        }.zh()
    }

    struct Model {
        var plan: Plan
        var period: String
        var report: CongressReport?
        var released: Bool
        var mayEdit: Bool = true
    }

    struct View: PageView {
        var model: Model

        func title(_ c: PageContext) -> String { c.t("人大报告", "Report to the people's congress") }

        func content(_ c: PageContext) -> any Component {
            let plan = model.plan
            let year = plan.year
            return ComponentGroup {
                Paragraph { Anchor(plan.title, .plan(plan.id!)).zh() }
                Paragraph {
                    for (period, zh, en) in [("\(year)-H1", "上半年", "First half"), ("\(year)", "全年", "Year")] {
                        if period == model.period {
                            Element("strong", text: c.t(zh, en))
                        } else {
                            Anchor(c.t(zh, en), .congress(plan: plan.id!, period: period))
                        }
                        Words(" ")
                    }
                }
                Muted(
                    c.t(
                        "按监督法的做法分四部分：执行人大决议和主要目标的情况（附主要目标完成情况表）、各领域工作进展、存在的问题和下一步打算、其他事项。起草时取期末的数据，工作人员修改文字后印发；印发后不再改动，以 Word 和公开页面发布。",
                        "In the four parts the supervision law's practice asks for: the congress's resolutions and the main targets (with a table), the work area by area, problems and what will be done, other matters. Drafted from the data at the period's end; staff edit the words, then issue it, as Word and as a public page, and it is not changed again."
                    ))
                if let r = model.report, let content = r.content {
                    Paragraph {
                        Badge(
                            r.issued ? c.t("已印发", "Issued") : c.t("草稿", "Draft"), colour: r.issued ? "green" : "yellow")
                        Words(" " + c.t("数据截至 ", "Data as of ") + content.asOf + " · ")
                        Anchor(c.t("下载 Word", "Download Word"), .congressDocument(plan: plan.id!, period: model.period))
                        if r.issued && model.released {
                            Words(" · ")
                            Anchor(c.t("公开页面", "Public page"), .publicCongress(plan: plan.id!, period: model.period))
                        }
                    }
                    if r.issued {
                        H2 { Words(content.title) }.zh()
                        CongressPage.body(content, c)
                    } else {
                        editForm(r, content, c)
                        PostForm(.congress(plan: plan.id!, period: model.period), c, class: "stack card") {
                            Hidden("action", "issue")
                            Muted(c.t("印发后不能再修改。", "Once issued, it cannot be changed."))
                            Paragraph { Submit(c.t("印发", "Issue")) }
                        }
                        PostForm(.congress(plan: plan.id!, period: model.period), c, class: "stack") {
                            Hidden("action", "draft")
                            Paragraph {
                                Submit(
                                    c.t("按最新数据重新起草（替换已改的文字）", "Draft again from the data (replaces the edits)"),
                                    class: "link")
                            }
                        }
                    }
                } else if model.mayEdit {
                    PostForm(.congress(plan: plan.id!, period: model.period), c, class: "stack card") {
                        Hidden("action", "draft")
                        Paragraph { Submit(c.t("按数据起草", "Draft from the data")) }
                    }
                } else {
                    Muted(c.t("本期报告尚未印发。", "The report for this period has not been issued yet."))
                }
            }
        }

        func editForm(_ r: CongressReport, _ content: CongressReportContent, _ c: PageContext) -> any Component {
            PostForm(.congress(plan: model.plan.id!, period: model.period), c, class: "stack card") {
                Hidden("action", "save")
                FieldLabel(c.t("标题", "Title"), for: "cr-title")
                // A long title wraps in a text box, as a one-line field cannot on a phone.
                TextBox("title", id: "cr-title", text: content.title, required: true, maxLength: 200).zh()
                    .attr("rows", "2")
                FieldLabel(c.t("一、执行人大决议和主要目标的情况", "1. Resolutions and main targets"), for: "cr-res")
                TextBox("resolutions", id: "cr-res", text: content.resolutions, maxLength: 20_000).zh()
                if !content.targets.isEmpty {
                    ListTable([c.t("指标", "Target"), c.t("计划目标", "Planned"), c.t("实际完成", "Actual"), c.t("完成率", "Rate")])
                    {
                        for t in content.targets {
                            TR {
                                TD(t.target).zh()
                                TD(t.plan).zh()
                                TD(t.actual, class: "num").zh()
                                TD(t.rate, class: "num")
                            }
                        }
                    }
                }
                FieldLabel(c.t("二、各领域工作进展", "2. The work, area by area"), for: "cr-work")
                TextBox("work", id: "cr-work", text: content.work, maxLength: 50_000).zh()
                FieldLabel(c.t("三、存在的问题和下一步打算", "3. Problems and what will be done"), for: "cr-problems")
                TextBox("problems", id: "cr-problems", text: content.problems, maxLength: 20_000).zh()
                FieldLabel(c.t("四、其他事项", "4. Other matters"), for: "cr-other")
                TextBox("other", id: "cr-other", text: content.other, maxLength: 20_000).zh()
                Paragraph { Submit(c.t("保存", "Save")) }
            }
        }
    }

    /// An issued report on the public site.
    struct Public: PageView {
        var plan: UUID
        var planTitle: String
        var report: CongressReport
        var content: CongressReportContent

        func title(_ c: PageContext) -> String { c.t("人大报告", "Report to the people's congress") }
        func heading(_ c: PageContext) -> String? { nil }

        func content(_ c: PageContext) -> any Component {
            ComponentGroup {
                Paragraph { Anchor(planTitle, .publicPlan(plan)).zh() }
                H1 { Words(content.title) }.zh()
                Paragraph {
                    Words(c.t("印发于 ", "Issued on ") + Format.date(report.issuedAt, c.lang) + " · ")
                    Anchor(c.t("下载 Word", "Download Word"), .publicCongressDocument(plan: plan, period: report.period))
                }
                CongressPage.body(content, c)
            }
        }
    }
}
