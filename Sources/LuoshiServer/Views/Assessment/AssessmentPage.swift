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
        var mayEdit: Bool
        var round: AssessmentRound?
        var objections: [AssessmentObjection]
    }

    /// Where the round stands, in a sentence.
    static func stage(_ round: AssessmentRound?, _ c: PageContext) -> any Component {
        guard let round else {
            return Muted(c.t("尚未开始考核：以下为按当前数据计算的草稿。", "Not opened yet: a draft from the data as it is now."))
        }
        let until = round.until.map { ($0.chinese, $0.english) }
        switch round.stage {
        case .open:
            return Flash(
                c.t(
                    "考核中：数据冻结于 \(round.day?.chinese ?? round.atDay)，按方案第 \(round.schemeVersion) 版计分。",
                    "Open: data frozen at \(round.day?.english ?? round.atDay), scheme version \(round.schemeVersion).")
            )
        case .publicity:
            return Flash(
                c.t(
                    "公示中，至 \(until?.0 ?? "")：各单位可对本单位得分提出异议。",
                    "Under public notice until \(until?.1 ?? ""): each unit may object to its score."))
        case .final:
            return Flash(c.t("已定稿：结果不再变动。", "Final: the result no longer changes."))
        }
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
                            "考核期 \(model.period)，数据截至 \(r.at.chinese)，按考核方案第 \(r.scheme.version) 版计分："
                                + r.scheme.summary.chinese + "各单位在本组内排名。",
                            "Assessment \(model.period), data as of \(r.at.english), scheme version \(r.scheme.version): "
                                + r.scheme.summary.english + " Units are ranked within their group."))
                }
                AssessmentPage.stage(model.round, c)
                if model.round == nil { AssessmentPage.periodForm(model.plan, model.period, r.at, c) }
                Paragraph {
                    Anchor(
                        c.t("考核结果 (Excel)", "Results (Excel)"),
                        .assessmentWorkbook(plan: model.plan, period: model.period, at: Breakdown.iso(r.at)))
                    Words(" · ")
                    Anchor(
                        c.t("考核结果通报 (Word)", "Results bulletin (Word)"),
                        .assessmentBulletin(plan: model.plan, period: model.period, at: Breakdown.iso(r.at)))
                }.class("noprint")
                let folded = r.scores.contains { $0.points(.fold) != 0 }
                for group in Set(r.scores.map(\.group)).sorted() {
                    H2 { Words(group) }.zh()
                    ListTable(
                        [
                            c.t("名次", "Place"), c.t("单位", "Unit"), c.t("重点工作", "Key work"), c.t("共性目标", "Common"),
                            c.t("满意度", "Survey"),
                        ] + (folded ? [c.t("折算", "Brought to 100")] : []) + [
                            c.t("加分", "Bonus"), c.t("扣分", "Deductions"), c.t("合计", "Total"), c.t("等次", "Grade"),
                        ]
                    ) {
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
                                if folded { TD(AssessmentPage.points(s.points(.fold)), class: "num") }
                                TD(AssessmentPage.points(s.points(.bonus)), class: "num")
                                TD(AssessmentPage.points(s.points(.deduction)), class: "num")
                                TD(AssessmentPage.points(s.total), class: "num")
                                TD(c.name(s.grade) + (s.vetoed ? c.t("（一票否决）", " (veto)") : ""))
                            }
                        }
                    }
                }
                objectionList(c)
                if model.mayEdit {
                    roundForm(c)
                    if model.round?.stage != .final {
                        surveyForm(c)
                        schemeForm(c)
                    }
                }
            }
        }

        /// The round's next step for staff.
        func roundForm(_ c: PageContext) -> any Component {
            let stage = model.round?.stage
            guard stage != .final else { return EmptyComponent() }
            return PostForm(.assessmentRound(plan: model.plan), c, class: "stack card") {
                Hidden("period", model.period)
                switch stage {
                case nil:
                    Hidden("action", "open")
                    FieldLabel(
                        c.t("冻结数据于（默认考核期最后一天）", "Freeze the data at (the period's last day by default)"), for: "r-at")
                    TextInput("at", id: "r-at", value: Breakdown.iso(model.result.at), type: "date")
                    Paragraph { Submit(c.t("开始考核", "Open the round")) }
                case .open:
                    Hidden("action", "publish")
                    FieldLabel(c.t("公示至", "Public notice until"), for: "r-until")
                    TextInput("until", id: "r-until", type: "date", required: true)
                    Paragraph { Submit(c.t("公示", "Publish for notice")) }
                default:
                    Hidden("action", "finalize")
                    Paragraph {
                        Words(
                            c.t(
                                "公示期满、异议都已答复后定稿；定稿后结果不再变动。",
                                "Once the notice has ended and every objection is answered; then the result is locked.")
                        )
                    }
                    Paragraph { Submit(c.t("定稿", "Make final")) }
                }
            }
        }

        func objectionList(_ c: PageContext) -> any Component {
            guard !model.objections.isEmpty else { return EmptyComponent() }
            return ComponentGroup {
                H2 { Words(c.t("异议", "Objections")) }
                for o in model.objections {
                    Div {
                        Paragraph {
                            Span { Words(o.unit.name) }.zh()
                            Words(" · " + Format.date(o.lodgedAt) + " · ")
                            Span { Words(o.text) }.zh()
                        }
                        if let a = o.answer {
                            Paragraph {
                                Words(c.t("答复：", "Answer: "))
                                Span { Words(a) }.zh()
                            }
                        } else if model.mayEdit {
                            PostForm(.answerObjection(o.id!), c, class: "stack") {
                                Hidden("period", model.period)
                                FieldLabel(c.t("答复", "Answer"), for: "a-\(o.id!)")
                                TextBox("text", id: "a-\(o.id!)", required: true, maxLength: 5000)
                                Paragraph { Submit(c.t("答复", "Answer")) }
                            }
                        } else {
                            Muted(c.t("待答复", "Awaiting an answer"))
                        }
                    }.class("card")
                }
            }
        }

        func surveyForm(_ c: PageContext) -> any Component {
            ComponentGroup {
                H2 { Words(c.t("导入满意度测评结果", "Import the satisfaction survey")) }
                SheetUploadForm(
                    .assessmentSurvey(plan: model.plan), c,
                    label: c.t(
                        "测评表（Excel 或 CSV：“单位”一列，“得分”一列，0–100）",
                        "Survey sheet (Excel or CSV: a column of unit names and one of scores from 0 to 100)"),
                    button: c.t("导入", "Import"), id: "survey", hidden: [("period", model.period)])
            }
        }

        func schemeForm(_ c: PageContext) -> any Component {
            let s = model.result.scheme
            func field(_ name: String, _ zh: String, _ en: String, _ value: Double) -> any Component {
                Div {
                    FieldLabel(c.t(zh, en), for: "s-" + name)
                    TextInput(name, id: "s-" + name, value: Assessment.number(value), inputMode: "decimal")
                }
            }
            return ComponentGroup {
                H2 { Words(c.t("考核方案（第 \(s.version) 版）", "Scheme (version \(s.version))")) }
                Paragraph {
                    Words(
                        c.t(
                            "修改后保存为新版本；此前的得分仍可按旧版本查看。三类分值之和须为 100。",
                            "Saving makes a new version; scores stay tied to the version they were computed by. The "
                                + "three categories must add up to 100."))
                }
                PostForm(.assessmentScheme(plan: model.plan), c, class: "stack card") {
                    Hidden("period", model.period)
                    field("workPoints", "重点工作（分）", "Key work (points)", s.workPoints)
                    field("commonPoints", "共性目标（分）", "Common goals (points)", s.commonPoints)
                    field("surveyPoints", "满意度测评（分）", "Survey (points)", s.surveyPoints)
                    field("timelinessShare", "事项分中时效占比（%）", "Timeliness share of an item (%)", s.timelinessShare * 100)
                    field("latenessPerDay", "每逾期一天时效扣减（%）", "Timeliness lost a day late (%)", s.latenessPerDay * 100)
                    field("leadShare", "牵头单位份额（%）", "Lead unit's share (%)", s.leadShare * 100)
                    field("lateReport", "逾期报送每次扣（分）", "Per late report (points)", s.deductions.lateReport)
                    field("missingReport", "未报送每次扣（分）", "Per missing report (points)", s.deductions.missingReport)
                    field("returnedReport", "报送被退回每次扣（分）", "Per returned report (points)", s.deductions.returnedReport)
                    field("yellowNotice", "黄牌督办每件扣（分）", "Per yellow notice (points)", s.deductions.yellowNotice)
                    field("redNotice", "红牌督办每件扣（分）", "Per red notice (points)", s.deductions.redNotice)
                    field("escalation", "督办升级每次扣（分）", "Per escalation (points)", s.deductions.escalation)
                    Div {
                        FieldLabel(c.t("加分类型及上限（每行一类，如 上级表彰=3）", "Bonus types and caps (one a line)"), for: "s-bonus")
                        TextBox(
                            "bonusTypes", id: "s-bonus",
                            text: s.bonusCaps.sorted { $0.key < $1.key }.map {
                                "\($0.key)=\(Assessment.number($0.value))"
                            }
                            .joined(separator: "\n"), maxLength: 2000
                        ).attr("lang", "zh-CN")
                    }
                    field("bonusCap", "加分合计上限（分）", "Bonus cap in all (points)", s.bonusCap)
                    field("excellent", "优秀分数线", "Excellent from", s.grades.excellent)
                    field("good", "良好分数线", "Good from", s.grades.good)
                    field("pass", "合格分数线", "Pass from", s.grades.pass)
                    field("excellentShare", "优秀比例上限（%）", "Excellent for at most (%)", s.grades.excellentShare * 100)
                    Div {
                        FieldLabel(
                            c.t(
                                "优秀名额上限（每组前 N 名，空为不限）", "Excellent for at most the best N of a group (blank: no limit)"),
                            for: "s-top")
                        TextInput(
                            "excellentTop", id: "s-top", value: s.grades.excellentTop.map(String.init),
                            inputMode: "numeric")
                    }
                    Div {
                        FieldLabel(c.t("一票否决后等次至多为", "A decided veto leaves at best"), for: "s-veto")
                        Element("select") {
                            Options(
                                [AssessmentGrade.pass, .fail], value: { $0.rawValue }, label: { c.name($0) },
                                selected: s.grades.vetoCap.rawValue)
                        }.attr("id", "s-veto").attr("name", "vetoCap")
                    }
                    Div {
                        FieldLabel(
                            c.t(
                                "板块折算（每行一块，如 重点工作=70、共性目标+满意度测评=30；空为不折算）",
                                "Blocks folded in (one a line: the categories' Chinese names joined by +, then = and the share in %; blank: none)"
                            ),
                            for: "s-blocks")
                        TextBox(
                            "blocks", id: "s-blocks",
                            text: s.blocks.map { b in
                                b.categories.map(\.chinese).joined(separator: "+") + "="
                                    + Assessment.number(b.share * 100)
                            }.joined(separator: "\n"), maxLength: 500
                        ).attr("lang", "zh-CN")
                    }
                    Div {
                        FieldLabel(
                            c.t(
                                "某组不计的类别（每行一组，如 村=满意度测评；该组折算为百分制）",
                                "Categories a group does not have (one a line: the group, = and the categories' Chinese names; brought to 100)"
                            ),
                            for: "s-groups")
                        TextBox(
                            "groupExclusions", id: "s-groups",
                            text: s.groupExclusions.sorted { $0.key < $1.key }.map { g in
                                g.key + "=" + g.value.map(\.chinese).joined(separator: "+")
                            }.joined(separator: "\n"), maxLength: 500
                        ).attr("lang", "zh-CN")
                    }
                    Paragraph { Submit(c.t("保存为新版本", "Save as a new version")) }
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
        var mayEnter: Bool
        var bonusTypes: [String]
        var round: AssessmentRound?
        var objections: [AssessmentObjection]
        var mayObject: Bool
        var selfClaims: [String: (points: Double, note: String)] = [:]
        var mayClaim = false
        var mayReview = false
    }

    struct Unit: PageView {
        var model: UnitModel

        /// The unit's name is in the page (marked Chinese), not in an English title.
        func title(_ c: PageContext) -> String { c.t("考核得分：" + model.score.name, "A unit's assessment") }

        /// The score's lines; in a round, with the unit's 自评 and staff's 复核 beside each, and the fields to
        /// give them when the reader may.
        func lines(_ c: PageContext) -> any Component {
            let s = model.score
            let keys = Assessment.keys(s.lines)
            var titles = [
                c.t("类别", "Category"), c.t("事项", "Item"), c.t("计分规则", "Rule"), c.t("依据", "Sources"),
                c.t("分值", "Points"),
            ]
            if model.round != nil { titles += [c.t("自评", "Self-assessment"), c.t("复核", "Review")] }
            return ListTable(titles) {
                for (i, l) in s.lines.enumerated() {
                    TR {
                        TD(c.t(l.category.chinese, l.category.english), class: "nowrap")
                        TD(l.subject).zh()
                        TD(c.t(l.rule, l.ruleEnglish))
                        TD(l.sources.joined(separator: "、")).zh()
                        TD(String(format: "%+.2f", Assessment.rounded(l.points)), class: "num")
                        if model.round != nil {
                            TD {
                                if let own = model.selfClaims[keys[i]] {
                                    Words(String(format: "%+.2f ", own.points))
                                    Span { Words(own.note) }.zh()
                                }
                                if model.mayClaim {
                                    Hidden("keys[\(i)]", keys[i])
                                    TextInput("points[\(i)]", inputMode: "decimal").attr(
                                        "aria-label", c.t("第\(i + 1)行自评分值", "Self-assessed points, line \(i + 1)"))
                                    TextInput("notes[\(i)]", maxLength: 2000).attr(
                                        "aria-label", c.t("第\(i + 1)行依据", "Evidence, line \(i + 1)"))
                                }
                            }
                            TD {
                                if let computed = l.computed {
                                    Words(
                                        c.t("原计算 ", "computed ") + String(format: "%+.2f", Assessment.rounded(computed))
                                            + c.t("：", ": "))
                                    Span { Words(l.review ?? "") }.zh()
                                }
                                if model.mayReview {
                                    Hidden("keys[\(i)]", keys[i])
                                    TextInput("points[\(i)]", inputMode: "decimal").attr(
                                        "aria-label", c.t("第\(i + 1)行复核分值", "Reviewed points, line \(i + 1)"))
                                    TextInput("notes[\(i)]", maxLength: 2000).attr(
                                        "aria-label", c.t("第\(i + 1)行复核理由", "Reason, line \(i + 1)"))
                                }
                            }
                        }
                    }
                }
                TR(class: "total") {
                    TD(c.t("合计", "Total"))
                    TD("")
                    TD("")
                    TD("")
                    TD(AssessmentPage.points(s.total), class: "num")
                    if model.round != nil {
                        TD("")
                        TD("")
                    }
                }
            }
        }

        /// 加分, 扣分, 一票否决 or a 满意度 score, each with its reason; a veto counts once who decided and the
        /// document are given.
        func entryForm(_ c: PageContext) -> any Component {
            ComponentGroup {
                H2 { Words(c.t("录入加分、扣分、一票否决", "Enter a bonus, a deduction or a veto")) }
                PostForm(.assessmentEntries(plan: model.plan, unit: model.score.unit), c, class: "stack card") {
                    Hidden("period", model.period)
                    FieldLabel(c.t("类别", "Kind"), for: "e-kind")
                    Element("select") {
                        for (value, zh, en) in [
                            ("bonus", "加分", "Bonus"), ("deduction", "扣分", "Deduction"), ("veto", "一票否决", "Veto"),
                            ("survey", "满意度测评得分", "Survey score"),
                        ] {
                            Element("option", text: c.t(zh, en)).attr("value", value)
                        }
                    }.attr("id", "e-kind").attr("name", "kind")
                    FieldLabel(c.t("加分类型（加分时）", "Bonus type (for a bonus)"), for: "e-type")
                    Element("select") {
                        for t in model.bonusTypes { Element("option", text: t).attr("value", t).attr("lang", "zh-CN") }
                    }.attr("id", "e-type").attr("name", "bonusType")
                    FieldLabel(c.t("分值（满意度为 0–100 的得分）", "Points (a survey score from 0 to 100)"), for: "e-points")
                    TextInput("points", id: "e-points", inputMode: "decimal")
                    FieldLabel(c.t("理由与依据（文件、事件）", "Reason and evidence (a document, an event)"), for: "e-reason")
                    TextBox("reason", id: "e-reason", required: true, maxLength: 2000)
                    FieldLabel(c.t("决定机关（一票否决时）", "Decided by (for a veto)"), for: "e-by")
                    TextInput("decidedBy", id: "e-by", maxLength: 200)
                    FieldLabel(c.t("决定文号（一票否决时）", "Decision's document number (for a veto)"), for: "e-doc")
                    TextInput("document", id: "e-doc", maxLength: 200)
                    Paragraph { Submit(c.t("录入", "Enter")) }
                }
            }
        }

        func content(_ c: PageContext) -> any Component {
            let s = model.score
            return ComponentGroup {
                Paragraph {
                    Span { Words(s.name) }.zh()
                    Words(" · ")
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
                            "考核期 \(model.period)，数据截至 \(model.at.chinese)，考核方案第 \(model.version) 版。"
                                + "合计 \(AssessmentPage.points(s.total)) 分，\(s.group)第 \(s.rank) 名（共 \(s.groupSize) 个），\(s.grade.chinese)"
                                + (s.vetoed ? "（一票否决）" : "") + "。每一分的来源见下表。",
                            "Assessment \(model.period), data as of \(model.at.english), scheme version \(model.version). Total "
                                + "\(AssessmentPage.points(s.total)), place \(s.rank) of \(s.groupSize) in its group, "
                                + "\(s.grade.english)" + (s.vetoed ? " (veto)" : "")
                                + ". Where each point comes from is below."))
                }
                AssessmentPage.stage(model.round, c)
                if model.mayClaim || model.mayReview {
                    PostForm(.assessmentClaims(plan: model.plan, unit: s.unit), c, class: "stack") {
                        Hidden("period", model.period)
                        Hidden("kind", model.mayReview ? "review" : "self")
                        Paragraph {
                            Words(
                                model.mayReview
                                    ? c.t(
                                        "复核：要改动的行填写应得分值和理由，其余留空。",
                                        "Review: give the points a line should have, and why; leave the rest empty.")
                                    : c.t(
                                        "自评：对有异议的行填写自评分值和依据，其余留空。",
                                        "Self-assessment: give your points and evidence for the lines you see otherwise; leave the rest empty."
                                    ))
                        }
                        lines(c)
                        Paragraph {
                            Submit(
                                model.mayReview
                                    ? c.t("保存复核", "Save the review") : c.t("提交自评", "File the self-assessment"))
                        }
                    }
                } else {
                    lines(c)
                }
                for o in model.objections {
                    Paragraph {
                        Words(c.t("异议：", "Objection: "))
                        Span { Words(o.text) }.zh()
                        Words(" · " + c.t("答复：", "Answer: "))
                        if let a = o.answer { Span { Words(a) }.zh() } else { Words(c.t("待答复", "awaited")) }
                    }.class("card")
                }
                if model.mayObject {
                    PostForm(.assessmentObjections(plan: model.plan), c, class: "stack card") {
                        Hidden("period", model.period)
                        FieldLabel(c.t("对本单位得分的异议及理由", "Your objection to this score, with reasons"), for: "o-text")
                        TextBox("text", id: "o-text", required: true, maxLength: 5000)
                        Paragraph { Submit(c.t("提出异议", "Object")) }
                    }
                }
                if model.mayEnter { entryForm(c) }
            }
        }
    }
}
