import Foundation
import LuoshiCore
import Testing

/// Scores worked out here from the scheme's numbers, by hand, not by the code under test.
@Suite("考核计分 (assessment scoring)")
struct AssessmentTests {
    static let day = CivilDay(year: 2015, month: 12, day: 31)
    static func d(_ m: Int, _ day: Int) -> CivilDay { CivilDay(year: 2015, month: m, day: day) }

    static func item(
        _ code: String, weight: Double = 1, lead: Bool = true, cooperating: Int = 0, completion: Double,
        finished: CivilDay?, due: CivilDay?
    ) -> Assessment.ItemFact {
        .init(
            code: code, title: "任务\(code)", weight: weight, lead: lead, cooperating: cooperating,
            completion: completion,
            finished: finished, due: due, sources: ["2015-06"])
    }

    static let a = UUID(), b = UUID(), c = UUID(), dd = UUID(), e = UUID(), f = UUID()

    static func units(vetoDecided: Bool) -> [Assessment.UnitFacts] {
        [
            // Finishes X on time (shared with B, weight 2) and Y ten days late; a commendation over its cap.
            .init(
                unit: a, name: "经济发展局", group: "部门",
                items: [
                    item("X", weight: 2, cooperating: 1, completion: 1, finished: d(6, 20), due: d(6, 30)),
                    item("Y", completion: 1, finished: d(10, 10), due: d(9, 30)),
                ], records: [],
                entries: [.init(kind: .bonus(type: "上级表彰"), points: 4, reason: "省级表彰文件")], survey: 95),
            // Cooperates on X; Z half done and due today; two late reports and a yellow notice.
            .init(
                unit: b, name: "财政所", group: "部门",
                items: [
                    item("X", weight: 2, lead: false, cooperating: 1, completion: 1, finished: d(6, 20), due: d(6, 30)),
                    item("Z", completion: 0.5, finished: nil, due: d(12, 31)),
                ],
                records: [
                    .init(kind: .lateReport, source: "2015-03"), .init(kind: .lateReport, source: "2015-04"),
                    .init(kind: .yellowNotice, source: "督〔2015〕3号"),
                ], entries: [], survey: 90),
            // Never does W; missing reports, two red notices, an escalation; vetoed.
            .init(
                unit: c, name: "安监所", group: "部门", items: [item("W", completion: 0, finished: nil, due: d(6, 30))],
                records: [
                    .init(kind: .missingReport, source: "2015-07"), .init(kind: .missingReport, source: "2015-08"),
                    .init(kind: .missingReport, source: "2015-09"), .init(kind: .redNotice, source: "督〔2015〕5号"),
                    .init(kind: .redNotice, source: "督〔2015〕6号"), .init(kind: .escalation, source: "督〔2015〕6号"),
                ],
                entries: [
                    .init(
                        kind: .veto(decidedBy: vetoDecided ? "镇党委会" : nil, document: vetoDecided ? "张委〔2015〕9号" : nil),
                        points: 0, reason: "安全生产事故")
                ], survey: 80),
            // Everything on time, full marks.
            .init(
                unit: dd, name: "城建办", group: "部门", items: [item("V", completion: 1, finished: d(5, 1), due: d(6, 30))],
                records: [], entries: [], survey: 100),
            // Two villages alike: a tie; E has a veto entry that is decided only in the second scoring.
            .init(
                unit: e, name: "东村", group: "村", items: [item("E1", completion: 1, finished: d(3, 1), due: d(6, 30))],
                records: [],
                entries: [
                    .init(
                        kind: .veto(decidedBy: vetoDecided ? "镇党委会" : nil, document: vetoDecided ? "张委〔2015〕10号" : nil),
                        points: 0, reason: "秸秆焚烧")
                ], survey: 85),
            .init(
                unit: f, name: "西村", group: "村", items: [item("F1", completion: 1, finished: d(3, 1), due: d(6, 30))],
                records: [], entries: [], survey: 85),
        ]
    }

    func byName(_ scores: [Assessment.UnitScore]) -> [String: Assessment.UnitScore] {
        Dictionary(uniqueKeysWithValues: scores.map { ($0.name, $0) })
    }

    @Test("一年的得分、名次、等次 (a year's scores, places and grades)")
    func year() {
        let s = byName(Assessment.score(.standard, Self.units(vetoDecided: false), at: Self.day))
        // A: X weighs 2 × 0.7 (lead of two), Y 1; Y is 10 days late: timeliness 1 − 0.02 × 10.
        let aWork = 60 * 1.4 / 2.4 * (0.8 * 1 + 0.2 * 1) + 60 * 1 / 2.4 * (0.8 * 1 + 0.2 * (1 - 0.02 * 10))
        #expect(abs(s["经济发展局"]!.points(.work) - aWork) < 1e-9)
        #expect(s["经济发展局"]!.points(.bonus) == 3)  // 4 claimed, the type's cap is 3
        #expect(abs(s["经济发展局"]!.total - (aWork + 20 + 95 * 0.2 + 3)) < 1e-9)
        // B: X weighs 2 × 0.3 as its one cooperating unit; Z half done, due today, so not late.
        let bWork = 60 * 0.6 / 1.6 * 1 + 60 * 1 / 1.6 * (0.8 * 0.5 + 0.2 * 1)
        #expect(abs(s["财政所"]!.total - (bWork + (20 - 2 * 0.5 - 1) + 90 * 0.2)) < 1e-9)
        #expect(s["财政所"]!.lines.first { $0.subject == "逾期报送" }?.sources == ["2015-03", "2015-04"])
        // C: nothing done, 184 days late; 3 missing, 2 red, 1 escalation: 20 − 3 − 4 − 1.
        #expect(abs(s["安监所"]!.total - (0 + 12 + 80 * 0.2)) < 1e-9)
        #expect(s["城建办"]!.total == 100)
        // Places: A 101.x, 城建办 100, B, C; 优秀 for the best 30% (2 of 4) at 90 or more.
        #expect(s["经济发展局"]!.rank == 1 && s["城建办"]!.rank == 2 && s["财政所"]!.rank == 3 && s["安监所"]!.rank == 4)
        #expect(s["经济发展局"]!.grade == .excellent && s["城建办"]!.grade == .excellent)
        #expect(s["财政所"]!.grade == .good && s["安监所"]!.grade == .fail)
        // The villages tie: one place for both; the quota (1 of 2) lets both through.
        #expect(s["东村"]!.total == 60 + 20 + 17 && s["西村"]!.total == s["东村"]!.total)
        #expect(s["东村"]!.rank == 1 && s["西村"]!.rank == 1)
        #expect(s["东村"]!.grade == .excellent && !s["东村"]!.vetoed)
        #expect(s["东村"]!.lines.first { $0.category == .veto }?.rule == "尚无决定，暂不生效")
    }

    @Test("季度考核按应完成的份额计 (a quarter asks for its share of the work)")
    func quarter() {
        var unit = Self.units(vetoDecided: false)[3]
        unit.items = [
            .init(
                code: "Q", title: "任务Q", weight: 1, lead: true, cooperating: 0, completion: 0.3, expected: 0.6,
                finished: nil, due: Self.d(12, 31), sources: [])
        ]
        let s = Assessment.score(.standard, [unit], at: Self.d(6, 30))[0]
        #expect(abs(s.points(.work) - 60 * (0.8 * 0.5 + 0.2 * 1)) < 1e-9)
        #expect(s.lines[0].rule.contains("完成 30%，应完成 60%"))
    }

    @Test("一票否决只在记下决定后生效 (a veto applies only once decided)")
    func veto() {
        let s = byName(Assessment.score(.standard, Self.units(vetoDecided: true), at: Self.day))
        #expect(s["东村"]!.vetoed && s["东村"]!.grade == .fail)
        #expect(s["东村"]!.total == 97)  // the points stand; the grade is capped
        #expect(s["西村"]!.grade == .excellent)
    }

    @Test("改一个权重，名次随之改变 (changing one weight changes the ranking)")
    func weightChangesRanking() {
        var scheme = AssessmentScheme.standard
        scheme.timelinessShare = 1  // only being on time counts
        let s = byName(Assessment.score(scheme, Self.units(vetoDecided: false), at: Self.day))
        let aWork = 60 * 1.4 / 2.4 * 1 + 60 * 1 / 2.4 * (1 - 0.02 * 10)
        #expect(abs(s["经济发展局"]!.total - (aWork + 20 + 19 + 3)) < 1e-9)
        #expect(s["城建办"]!.rank == 1 && s["经济发展局"]!.rank == 2)
    }

    @Test("方案的错误取值被拒绝 (a scheme's bad values are refused)")
    func schemeProblems() {
        #expect(AssessmentScheme.standard.problem == nil)
        var s = AssessmentScheme.standard
        s.workPoints = 70
        #expect(s.problem != nil)
        s = .standard
        s.leadShare = .nan
        #expect(s.problem != nil)
        s = .standard
        s.grades.good = 95
        #expect(s.problem != nil)
    }
}

@Suite("考核的阶段 (a round's stages)")
struct AssessmentStageTests {
    let d = { (m: Int, day: Int) in CivilDay(year: 2016, month: m, day: day) }

    @Test("公示、异议、定稿的先后 (publish, object, finalize in order)")
    func stages() {
        #expect(AssessmentStage.open.publish(today: d(1, 10), until: d(1, 17)) == .success(.publicity))
        #expect(AssessmentStage.open.publish(today: d(1, 10), until: d(1, 10)).isFailure)
        #expect(AssessmentStage.publicity.publish(today: d(1, 10), until: d(1, 17)).isFailure)
        #expect(AssessmentStage.publicity.mayObject(today: d(1, 17), publicityUntil: d(1, 17)))
        #expect(!AssessmentStage.publicity.mayObject(today: d(1, 18), publicityUntil: d(1, 17)))
        #expect(!AssessmentStage.open.mayObject(today: d(1, 12), publicityUntil: nil))
        // Not before the notice ends, not with an objection unanswered, never twice.
        #expect(AssessmentStage.publicity.finalize(today: d(1, 17), publicityUntil: d(1, 17), unanswered: 0).isFailure)
        #expect(AssessmentStage.publicity.finalize(today: d(1, 18), publicityUntil: d(1, 17), unanswered: 1).isFailure)
        #expect(
            AssessmentStage.publicity.finalize(today: d(1, 18), publicityUntil: d(1, 17), unanswered: 0)
                == .success(.final))
        #expect(AssessmentStage.final.finalize(today: d(1, 18), publicityUntil: d(1, 17), unanswered: 0).isFailure)
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

extension AssessmentTests {
    @Test(
        "复核改一行：分值随之改变，原计算留在旁边，名次重排 (a reviewed line: its points change, the computed ones stay beside, places follow)")
    func review() {
        let plain = Assessment.score(.standard, Self.units(vetoDecided: false), at: Self.day)
        let b = plain.first { $0.name == "财政所" }!
        let key = Assessment.keys(b.lines)[b.lines.firstIndex { $0.subject == "逾期报送" }!]
        #expect(key == "common|逾期报送|0")
        let reviewed = Assessment.score(
            .standard, Self.units(vetoDecided: false), at: Self.day,
            reviews: [Self.b: [key: .init(points: 0, reason: "3月报送系系统故障所致，不扣分")]])
        let after = reviewed.first { $0.name == "财政所" }!
        let line = after.lines.first { $0.subject == "逾期报送" }!
        #expect(line.points == 0 && line.computed == -1 && line.review == "3月报送系系统故障所致，不扣分")
        #expect(abs(after.total - (b.total + 1)) < 1e-9)
    }
}

extension AssessmentTests {
    @Test("两个板块按 70%、30% 折算 (two blocks folded in at 70% and 30%)")
    func blocks() {
        var scheme = AssessmentScheme.standard
        scheme.workPoints = 100
        scheme.commonPoints = 60
        scheme.surveyPoints = 40
        #expect(scheme.problem != nil)  // without blocks the categories must add up to 100
        scheme.blocks = [
            .init(name: "个性指标", categories: [.work], share: 0.7),
            .init(name: "共性指标", categories: [.common, .survey], share: 0.3),
        ]
        #expect(scheme.problem == nil)
        let s = byName(Assessment.score(scheme, Self.units(vetoDecided: false), at: Self.day))
        // 财政所: key work out of 100; common 60 less two late reports and a yellow notice; survey 90 of 40.
        let work = 100 * 0.6 / 1.6 * 1 + 100 * 1 / 1.6 * (0.8 * 0.5 + 0.2 * 1)
        let common = 60.0 - 2 * 0.5 - 1
        let survey = 40 * 0.9
        let folded = 0.7 * work + 0.3 * (common + survey)
        #expect(abs(s["财政所"]!.total - folded) < 1e-9)
        let fold = s["财政所"]!.lines.first { $0.category == .fold }!
        #expect(abs(fold.points - (folded - work - common - survey)) < 1e-9)
        #expect(fold.rule.contains("个性指标") && fold.rule.contains("× 70%") && fold.rule.contains("× 30%"))
        // The bonus comes after the folding, point for point.
        #expect(s["经济发展局"]!.points(.bonus) == 3)
        #expect(s["城建办"]!.total == 100)
        // A block's shares must add up, every category in one block.
        scheme.blocks[1].share = 0.2
        #expect(scheme.problem != nil)
        scheme.blocks[1].share = 0.3
        scheme.blocks[1].categories = [.common]
        #expect(scheme.problem != nil)
    }

    @Test(
        "一组不计某类时折算为百分制；优秀名额；否决的等次上限 (a group without a category brought to 100; places for 优秀; the veto's cap)"
    )
    func groupsAndGrades() {
        var scheme = AssessmentScheme.standard
        scheme.groupExclusions = ["村": [.survey]]
        scheme.grades.excellentTop = 1
        scheme.grades.vetoCap = .pass
        #expect(scheme.problem == nil)
        let s = byName(Assessment.score(scheme, Self.units(vetoDecided: true), at: Self.day))
        // The villages have 60 + 20 of 80: 100 once brought to 100, with no survey line.
        #expect(abs(s["西村"]!.total - 100) < 1e-9)
        #expect(!s["西村"]!.lines.contains { $0.category == .survey })
        #expect(s["西村"]!.lines.first { $0.category == .fold }?.rule.contains("本组不计满意度测评") == true)
        // 东村's decided veto leaves it 合格 at best; 西村 is 优秀.
        #expect(s["东村"]!.grade == .pass && s["西村"]!.grade == .excellent)
        #expect(s["东村"]!.lines.first { $0.category == .veto }?.rule.hasSuffix("等次至多为合格") == true)
        // The departments keep their 100 points; only one 优秀 place: 城建办, second, is 良好.
        #expect(s["城建办"]!.total == 100 && !s["城建办"]!.lines.contains { $0.category == .fold })
        #expect(s["经济发展局"]!.grade == .excellent && s["城建办"]!.grade == .good)
        // A group may not leave out everything.
        scheme.groupExclusions = ["村": [.work, .common, .survey]]
        #expect(scheme.problem != nil)
    }

    @Test("旧版本存下的方案照旧读出 (a scheme stored before the new options reads as it scored)")
    func oldSchemeDecodes() throws {
        let data = try JSONEncoder().encode(AssessmentScheme.standard)
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["blocks"] = nil
        json["groupExclusions"] = nil
        var grades = json["grades"] as! [String: Any]
        grades["excellentTop"] = nil
        grades["vetoCap"] = nil
        json["grades"] = grades
        let old = try JSONDecoder().decode(
            AssessmentScheme.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(old == .standard)
    }
}

@Suite("群众诉求的规则 (feedback rules)")
struct FeedbackRulesTests {
    @Test("答案可写数字、全角数字或汉字；答复期限与联系方式的保存期 (answers in any numerals; due days; retention)")
    func rules() {
        #expect(FeedbackRules.question(3, 4).chinese == "三加四等于几？")
        for answer in ["7", " 7 ", "７", "七"] { #expect(FeedbackRules.accepts(answer, 3, 4), "\(answer)") }
        for answer in ["8", "", "seven", "七七"] { #expect(!FeedbackRules.accepts(answer, 3, 4), "\(answer)") }
        #expect(FeedbackRules.accepts("十二", 5, 7) && FeedbackRules.accepts("12", 5, 7))
        #expect(FeedbackRules.accepts("十", 5, 5) && !FeedbackRules.accepts("一十", 5, 5))
        let d = CivilDay(year: 2015, month: 6, day: 1)
        #expect(FeedbackRules.answerDue(publishedOn: d) == CivilDay(year: 2015, month: 6, day: 16))
        #expect(!FeedbackRules.overdue(publishedOn: d, answered: false, today: CivilDay(year: 2015, month: 6, day: 16)))
        #expect(FeedbackRules.overdue(publishedOn: d, answered: false, today: CivilDay(year: 2015, month: 6, day: 17)))
        #expect(!FeedbackRules.overdue(publishedOn: d, answered: true, today: CivilDay(year: 2015, month: 9, day: 1)))
        #expect(!FeedbackRules.contactExpired(answeredOn: nil, today: CivilDay(year: 2016, month: 1, day: 1)))
        #expect(!FeedbackRules.contactExpired(answeredOn: d, today: d.adding(days: 90)))
        #expect(FeedbackRules.contactExpired(answeredOn: d, today: d.adding(days: 91)))
        // Published 30 June: due 15 July, reminded from the 12th, late from the 16th; answered, neither.
        let published = CivilDay(year: 2015, month: 6, day: 30)
        let stages = [11, 12, 15, 16].map {
            FeedbackRules.answerStage(
                publishedOn: published, answered: false, today: CivilDay(year: 2015, month: 7, day: $0))
        }
        #expect(stages == [nil, .dueSoon, .dueSoon, .late])
        #expect(
            FeedbackRules.answerStage(
                publishedOn: published, answered: true, today: CivilDay(year: 2015, month: 8, day: 1))
                == nil)
        let (a, b) = FeedbackRules.operands([200, 13])
        #expect((1...9).contains(a) && (1...9).contains(b))
    }
}

@Suite("关注的规则 (following rules)")
struct FollowRulesTests {
    @Test("变化逐项说明；新出现的事项不算变化；多于 20 项只计数 (changes item by item; new items are no change; over 20 counted)")
    func changes() {
        let before = [
            "1": WatchedItem(code: "1", title: "新增停车位", status: .onTrack, figure: "120 个", answers: 0),
            "2": WatchedItem(code: "2", title: "村道", status: .atRisk, figure: nil, answers: 1),
        ]
        let now = [
            WatchedItem(code: "1", title: "新增停车位", status: .onTrack, figure: "120 个", answers: 0),
            WatchedItem(code: "2", title: "村道", status: .behind, figure: "30%", answers: 2),
            WatchedItem(code: "3", title: "新事项", status: .behind, figure: nil, answers: 0),
        ]
        let changes = FollowRules.changes(before: before, now: now)
        #expect(changes.map(\.code) == ["2"])
        #expect(changes[0].chinese == ["状态：存在风险 → 进度滞后", "最新数据：30%", "新答复 1 条"])
        #expect(changes[0].english.count == 3)
        // A figure that goes away (a report superseded) is no news; the same facts are no change.
        var noFigure = now[1]
        noFigure.figure = nil
        #expect(FollowRules.changes(before: ["2": now[1]], now: [noFigure]).isEmpty)
        #expect(FollowRules.changes(before: ["1": now[0]], now: [now[0]]).isEmpty)

        let many = (1...23).map { WatchedChange(code: "\($0)", title: "事项\($0)", chinese: ["状态"], english: ["Status"]) }
        let mail = FollowRules.mail(planTitle: "2015年工作计划", changes: many, pageURL: { "https://x/\($0)" })
        #expect(mail.subject.hasPrefix("关注的事项有 23 项更新"))
        #expect(mail.body.contains("https://x/20") && !mail.body.contains("https://x/21"))
        #expect(mail.body.contains("另有 3 项更新") && mail.body.contains("3 more changed"))
        // "Within 7 days": asked on the 1st, erased on the 8th.
        let asked = CivilDay(year: 2015, month: 6, day: 1)
        #expect(!FollowRules.lapsed(requestedOn: asked, today: CivilDay(year: 2015, month: 6, day: 7)))
        #expect(FollowRules.lapsed(requestedOn: asked, today: CivilDay(year: 2015, month: 6, day: 8)))
        // An item dropped from the plan is told once, with the reason; after that, nothing.
        var dropped = now[0]
        dropped.dropped = "因规划调整撤销"
        let gone = FollowRules.changes(before: ["1": now[0]], now: [dropped])
        #expect(gone.map(\.chinese) == [["已从计划中撤销：因规划调整撤销"]])
        #expect(FollowRules.changes(before: ["1": dropped], now: [dropped]).isEmpty)
    }

    @Test("电子邮箱：人们写的样子，拒绝会破坏邮件头的字符 (e-mail addresses as typed; header-breaking characters refused)")
    func addresses() {
        for ok in ["a@b.cn", "zhang.san+plan@mail.zhen.gov.cn"] { #expect(EmailAddress.isValid(ok), "\(ok)") }
        for bad in [
            "", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@b.cn\r\nBcc: x@y.cn", "<a@b.cn>", "张@b.cn", "a@.cn", "a@b.",
        ] {
            #expect(!EmailAddress.isValid(bad), "\(bad)")
        }
    }
}

@Suite("照片的元数据 (photo metadata)")
struct ImageMetadataTests {
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16) }
    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
    }

    @Test("JPEG：GPS 清空、方向保留、XMP 与注释删除、图像数据不变 (JPEG: GPS blanked, orientation kept, XMP and comments gone)")
    func jpeg() {
        // TIFF, little-endian: IFD0 holds the orientation (6) and the GPS directory's place; the GPS directory
        // holds a latitude of three rationals.
        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + Self.le32(8)
        tiff += Self.le16(2) + Self.le16(0x0112) + Self.le16(3) + Self.le32(1) + Self.le32(6)
        tiff += Self.le16(0x8825) + Self.le16(4) + Self.le32(1) + Self.le32(38) + Self.le32(0)
        tiff += Self.le16(1) + Self.le16(0x0002) + Self.le16(5) + Self.le32(3) + Self.le32(56) + Self.le32(0)
        let latitude = Self.le32(31) + Self.le32(1) + Self.le32(12) + Self.le32(1) + Self.le32(3456) + Self.le32(100)
        tiff += latitude
        let exif = Self.segment(0xE1, Array("Exif".utf8) + [0, 0] + tiff)
        let xmp = Self.segment(0xE1, Array("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS 31.2</x:xmpmeta>".utf8))
        let jfif = Self.segment(0xE0, Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
        let comment = Self.segment(0xFE, Array("taken at home".utf8))
        let scan = Self.segment(0xDA, [1, 1, 0, 0, 0x3F, 0]) + [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9]
        let photo: [UInt8] = [0xFF, 0xD8] + jfif + exif + xmp + comment + scan
        let out = ImageMetadata.stripped(photo)
        #expect(out.starts(with: [0xFF, 0xD8] + jfif))
        #expect(Array(out.suffix(scan.count)) == scan)
        let text = String(decoding: out, as: UTF8.self)
        #expect(!text.contains("xmpmeta") && !text.contains("taken at home"))
        // The EXIF is still there, with its orientation; the latitude and the GPS entry's value are zeros.
        let tiffAt = 2 + jfif.count + 10
        #expect(Array(out[tiffAt + 18..<tiffAt + 22]) == Self.le32(6))
        #expect(Array(out[tiffAt + 56..<tiffAt + 80]) == Array(repeating: 0, count: 24))
        #expect(out.count == photo.count - xmp.count - comment.count)
        // Not a JPEG or PNG, or one that does not hold together: left as it is.
        #expect(ImageMetadata.stripped(Array("GIF89a".utf8)) == Array("GIF89a".utf8))
        #expect(ImageMetadata.stripped([0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00]) == [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00])
    }

    @Test("PNG：文本块与 EXIF 块删除，其余逐字节保留 (PNG: text and EXIF chunks gone, the rest kept)")
    func png() {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            [0, 0, 0, UInt8(data.count)] + Array(type.utf8) + data + [1, 2, 3, 4]
        }
        let head: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let ihdr = chunk("IHDR", Array(repeating: 1, count: 13))
        let idat = chunk("IDAT", [9, 9, 9])
        let end = chunk("IEND", [])
        let photo =
            head + ihdr + chunk("tEXt", Array("Location\0Nantong".utf8)) + chunk("eXIf", [0x4D, 0x4D]) + idat + end
        #expect(ImageMetadata.stripped(photo) == head + ihdr + idat + end)
    }
}
