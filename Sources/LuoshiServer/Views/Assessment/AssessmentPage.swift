import Foundation
import LuoshiCore
import Plot

/// The 考核 pages: the ranking by group, and a unit's score with every line's rule and sources, so that a
/// unit, a leader or a deputy can follow how each point came about.
enum AssessmentPage {
    struct RankingModel {
        var plan: UUID
        var title: String
        var period: String
        var result: AssessmentService.Result
    }

    static func points(_ v: Double) -> String { String(format: "%.2f", Assessment.rounded(v)) }

    static func periodForm(_ plan: UUID, _ period: String, _ at: CivilDay, _ c: PageContext) -> any Component {
        Element("form") {
            FieldLabel(c.t("考核期", "Period"), for: "period")
            TextInput("period", id: "period", value: period, maxLength: 7)
            FieldLabel(c.t("截至", "As of"), for: "at")
            TextInput("at", id: "at", value: Breakdown.iso(at), type: "date")
            Submit(c.t("计算", "Score"))
        }.attr("method", "get").attr("action", SiteURL.assessment(plan: plan).path).classes("filters noprint")
    }

    struct Ranking: PageView {
        var model: RankingModel

        func title(_ c: PageContext) -> String { c.t("考核", "Assessment") }

        func content(_ c: PageContext) -> any Component {
            let r = model.result
            return ComponentGroup {
                Paragraph { Anchor(model.title, .plan(model.plan)).zh() }
                Paragraph {
                    Words(
                        c.t(
                            "\(model.period) 年度考核，数据截至 \(r.at.chinese)，按考核方案第 \(r.scheme.version) 版计分："
                                + "重点工作 \(Assessment.rounded(r.scheme.workPoints)) 分、共性目标 \(Assessment.rounded(r.scheme.commonPoints)) 分、"
                                + "满意度测评 \(Assessment.rounded(r.scheme.surveyPoints)) 分，另计加分、扣分。各单位在本组内排名。",
                            "Assessment \(model.period), data as of \(r.at.english), scheme version \(r.scheme.version): key work "
                                + "\(Assessment.rounded(r.scheme.workPoints)), common goals \(Assessment.rounded(r.scheme.commonPoints)), "
                                + "survey \(Assessment.rounded(r.scheme.surveyPoints)) points, with bonuses and deductions. Units are "
                                + "ranked within their group."))
                }
                AssessmentPage.periodForm(model.plan, model.period, r.at, c)
                for group in Set(r.scores.map(\.group)).sorted() {
                    H2 { Words(group) }.zh()
                    ListTable([
                        c.t("名次", "Place"), c.t("单位", "Unit"), c.t("重点工作", "Key work"), c.t("共性目标", "Common"),
                        c.t("满意度", "Survey"), c.t("加分", "Bonus"), c.t("扣分", "Deductions"), c.t("合计", "Total"),
                        c.t("等次", "Grade"),
                    ]) {
                        for s in r.scores where s.group == group {
                            TR {
                                TD("\(s.rank)", class: "num")
                                TD {
                                    Anchor(
                                        s.name,
                                        .assessmentUnit(
                                            plan: model.plan, unit: s.unit, period: model.period,
                                            at: Breakdown.iso(r.at))
                                    ).zh()
                                }
                                TD(AssessmentPage.points(s.points(.work)), class: "num")
                                TD(AssessmentPage.points(s.points(.common)), class: "num")
                                TD(AssessmentPage.points(s.points(.survey)), class: "num")
                                TD(AssessmentPage.points(s.points(.bonus)), class: "num")
                                TD(AssessmentPage.points(s.points(.deduction)), class: "num")
                                TD(AssessmentPage.points(s.total), class: "num")
                                TD(c.name(s.grade) + (s.vetoed ? c.t("（一票否决）", " (veto)") : ""))
                            }
                        }
                    }
                }
            }
        }
    }

    struct UnitModel {
        var plan: UUID
        var title: String
        var period: String
        var at: CivilDay
        var version: Int
        var score: Assessment.UnitScore
        var mayCompare: Bool
    }

    struct Unit: PageView {
        var model: UnitModel

        func title(_ c: PageContext) -> String { c.t("考核得分：", "Assessment: ") + model.score.name }

        func content(_ c: PageContext) -> any Component {
            let s = model.score
            return ComponentGroup {
                Paragraph {
                    Anchor(model.title, .plan(model.plan)).zh()
                    if model.mayCompare {
                        Words(" · ")
                        Anchor(
                            c.t("全部单位", "All units"),
                            .assessment(plan: model.plan, period: model.period, at: Breakdown.iso(model.at)))
                    }
                }
                Paragraph {
                    Words(
                        c.t(
                            "\(model.period) 年度考核，数据截至 \(model.at.chinese)，考核方案第 \(model.version) 版。"
                                + "合计 \(AssessmentPage.points(s.total)) 分，\(s.group)第 \(s.rank) 名（共 \(s.groupSize) 个），\(s.grade.chinese)"
                                + (s.vetoed ? "（一票否决）" : "") + "。每一分的来源见下表。",
                            "Assessment \(model.period), data as of \(model.at.english), scheme version \(model.version). Total "
                                + "\(AssessmentPage.points(s.total)), place \(s.rank) of \(s.groupSize) in its group, "
                                + "\(s.grade.english)" + (s.vetoed ? " (veto)" : "")
                                + ". Where each point comes from is below."))
                }
                ListTable([
                    c.t("类别", "Category"), c.t("事项", "Item"), c.t("计分规则", "Rule"), c.t("依据", "Sources"),
                    c.t("分值", "Points"),
                ]) {
                    for l in s.lines {
                        TR {
                            TD(c.t(l.category.chinese, l.category.english), class: "nowrap")
                            TD(l.subject).zh()
                            TD(c.t(l.rule, l.ruleEnglish))
                            TD(l.sources.joined(separator: "、")).zh()
                            TD(String(format: "%+.2f", Assessment.rounded(l.points)), class: "num")
                        }
                    }
                    TR(class: "total") {
                        TD(c.t("合计", "Total"))
                        TD("")
                        TD("")
                        TD("")
                        TD(AssessmentPage.points(s.total), class: "num")
                    }
                }
            }
        }
    }
}
