import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import Vapor

/// The 考核 in the browser: the ranking by group, and each unit's score line by line. Whoever reads the
/// plan sees the ranking and any unit's working, a unit's reporter their own unit's: the working is shown
/// to the unit itself.
struct AssessmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("plans", ":planID", "assessment", use: ranking)
        routes.get("plans", ":planID", "assessment.xlsx", use: workbook)
        routes.get("plans", ":planID", "assessment.docx", use: bulletin)
        routes.get("plans", ":planID", "assessment", ":unitID", use: unit)
        routes.post("plans", ":planID", "assessment", ":unitID", "entries", use: addEntry)
        routes.post("plans", ":planID", "assessment", ":unitID", "claims", use: claim)
        routes.post("plans", ":planID", "assessment", "scheme", use: saveScheme)
        routes.post("plans", ":planID", "assessment", "round", use: step)
        routes.post("plans", ":planID", "assessment", "objections", use: object)
        routes.post("assessment", "objections", ":objectionID", "answer", use: answer)
        routes.upload(
            "plans", ":planID", "assessment", "survey", maxBytes: BreakdownFile.maxBytes + (64 << 10), from: [.admin],
            use: importSurvey)
    }

    /// The score sheet: the ranking and every unit's lines, as two sheets of one workbook (a reporter's has
    /// their own unit only).
    @Sendable func workbook(req: Request) async throws -> Response {
        let user = try req.user()
        var (plan, result, period, _, _) = try await scored(req)
        if user.role == .reporter { result.scores = result.scores.filter { $0.unit == user.$organization.id } }
        return ExportController.download(
            try SpreadsheetWriter.xlsx(AssessmentSheet.workbook(result, period: period)),
            name: "\(plan.title)\(period)考核结果.xlsx", type: ExportController.xlsx)
    }

    /// The 考核结果通报 (Word): staff, leaders and deputies; a unit reads its own score until a 公示.
    @Sendable func bulletin(req: Request) async throws -> Response {
        _ = try req.user(.admin, .leader, .deputy)
        let (plan, result, period, _, _) = try await scored(req)
        return ExportController.download(
            try AssessmentSheet.bulletin(result, period: period, issuer: plan.issuer ?? ""),
            name: "\(plan.title)\(period)考核结果通报.docx",
            type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    }

    func selfClaims(_ round: AssessmentRound?, unit: UUID, on db: any Database) async throws -> [String: (
        points: Double, note: String
    )] {
        guard let round else { return [:] }
        var out: [String: (points: Double, note: String)] = [:]
        for c in try await AssessmentRounds.claims(round, kind: .selfScore, on: db) where c.$unit.id == unit {
            out[c.lineKey] = (c.points, c.note)
        }
        return out
    }

    /// 自评 or 复核 lines as the unit page's form sends them: `keys[3]`, `points[3]`, `notes[3]` by the line's
    /// place (a form drops blank fields from lists, so they are named); blank points skip a line.
    struct ClaimForm: Content {
        var period: String
        var kind: String
        var keys: [String: String]?
        var points: [String: String]?
        var notes: [String: String]?
    }

    @Sendable func claim(req: Request) async throws -> Response {
        let user = try req.user(.admin, .reporter)
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        guard let unit = req.parameters.get("unitID").flatMap(UUID.init(uuidString:)) else {
            throw LuoshiError.notFound(entity: "单位", id: req.parameters.get("unitID") ?? "")
        }
        let f = try req.content.decode(ClaimForm.self)
        let keys = f.keys ?? [:]
        guard keys.count <= 2000 else { throw LuoshiError.invalid(field: "分值", reason: "行数过多 (too many lines)") }
        var lines: [(String, Double, String)] = []
        for (i, key) in keys.sorted(by: { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }) {
            guard let v = try formNumber(f.points?[i] ?? "", field: "分值") else { continue }
            let note = (f.notes?[i] ?? "").storable.trimmingCharacters(in: .whitespacesAndNewlines)
            lines.append((String(key.prefix(500)), v, note))
        }
        try await AssessmentRounds.claim(
            f.kind == "review" ? .review : .selfScore, plan: plan.id!, period: f.period, unit: unit, lines: lines,
            actor: user, on: req.store, now: req.now)
        return req.redirect(to: .assessmentUnit(plan: plan.id!, unit: unit, period: f.period))
    }

    func objections(_ round: AssessmentRound?, on db: any Database) async throws -> [AssessmentObjection] {
        guard let round else { return [] }
        return try await AssessmentObjection.query(on: db).filter(\.$round.$id == round.id!).with(\.$unit)
            .sort(\.$lodgedAt).all()
    }

    /// A round's next step: open (freeze), publish for 公示 until a day, or make final.
    struct StepForm: Content {
        var period: String
        var action: String
        var at: String?
        var until: String?
    }

    @Sendable func step(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let f = try req.content.decode(StepForm.self)
        func day(_ s: String?, _ field: String) throws -> CivilDay? {
            guard let s, !s.isEmpty else { return nil }
            guard let d = CivilDay(s) else { throw LuoshiError.invalid(field: field, reason: "格式应为 2015-06-30") }
            return d
        }
        switch f.action {
        case "open":
            try await AssessmentRounds.open(
                plan: plan.id!, period: f.period, at: try day(f.at, "截至日期"), actor: user, on: req.store, now: req.now)
        case "publish":
            guard let until = try day(f.until, "公示截止") else {
                throw LuoshiError.invalid(field: "公示截止", reason: "请填写公示截止日期 (the notice's last day)")
            }
            try await AssessmentRounds.publish(
                plan: plan.id!, period: f.period, until: until, actor: user, on: req.store, now: req.now)
        case "finalize":
            try await AssessmentRounds.finalize(plan: plan, period: f.period, actor: user, on: req.store, now: req.now)
        default: throw LuoshiError.invalid(field: "action", reason: "open、publish 或 finalize")
        }
        return req.redirect(to: .assessment(plan: plan.id!, period: f.period))
    }

    struct ObjectionForm: Content {
        var period: String
        var text: String
    }

    @Sendable func object(req: Request) async throws -> Response {
        let user = try req.user(.reporter)
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        let f = try req.content.decode(ObjectionForm.self)
        try await AssessmentRounds.object(
            plan: plan.id!, period: f.period, text: f.text, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .assessment(plan: plan.id!, period: f.period))
    }

    struct AnswerForm: Content {
        var text: String
        var period: String
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let f = try req.content.decode(AnswerForm.self)
        let plan = try await AssessmentRounds.answer(
            req.parameters.get("objectionID"), text: f.text, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .assessment(plan: plan, period: f.period))
    }

    @Sendable func addEntry(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        guard let unit = req.parameters.get("unitID").flatMap(UUID.init(uuidString:)) else {
            throw LuoshiError.notFound(entity: "单位", id: req.parameters.get("unitID") ?? "")
        }
        let input = try req.content.decode(AssessmentService.EntryInput.self)
        try await AssessmentService.addEntry(
            input, plan: plan.id!, unit: unit, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .assessmentUnit(plan: plan.id!, unit: unit, period: input.period))
    }

    /// The scheme's numbers as the form sends them; bonus types one a line, 上级表彰=3.
    struct SchemeForm: Content {
        var period: String?
        var workPoints, commonPoints, surveyPoints, timelinessShare, latenessPerDay, leadShare: String
        var lateReport, missingReport, returnedReport, yellowNotice, redNotice, escalation: String
        var bonusTypes: String
        var bonusCap, excellent, good, pass, excellentShare: String
        var completion: String?
        var excellentTop: String?
        var vetoCap: String?
        var blocks: String?
        var groupExclusions: String?

        /// A category by its Chinese name as the form writes it.
        static func category(_ words: Substring, field: String) throws -> Assessment.Category {
            let name = words.trimmingCharacters(in: .whitespaces)
            guard let c = AssessmentScheme.scoredCategories.first(where: { $0.chinese == name }) else {
                throw LuoshiError.invalid(
                    field: field, reason: "“\(name)” 不是 重点工作、共性目标、满意度测评 之一 (not one of the three categories)")
            }
            return c
        }

        /// Lines of `name=value`, at most `max`.
        static func pairs(_ text: String?, field: String, example: String) throws -> [(String, String)] {
            let lines = (text ?? "").split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            guard lines.count <= 20 else {
                throw LuoshiError.invalid(field: field, reason: "至多 20 行 (20 lines at most)")
            }
            return try lines.map { line in
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].count <= 50 else {
                    throw LuoshiError.invalid(field: field, reason: "每行一项，如 \(example) (one a line, like \(example))")
                }
                return (parts[0], parts[1])
            }
        }

        func scheme(from base: AssessmentScheme) throws -> AssessmentScheme {
            func n(_ s: String, _ field: String) throws -> Double {
                guard let v = try formNumber(s, field: field) else {
                    throw LuoshiError.invalid(field: field, reason: "不能为空 (required)")
                }
                return v
            }
            var s = base
            s.workPoints = try n(workPoints, "重点工作")
            s.commonPoints = try n(commonPoints, "共性目标")
            s.surveyPoints = try n(surveyPoints, "满意度测评")
            s.timelinessShare = try n(timelinessShare, "时效占比") / 100
            s.latenessPerDay = try n(latenessPerDay, "每逾期一天扣减") / 100
            s.leadShare = try n(leadShare, "牵头单位份额") / 100
            s.completion = completion == AssessmentScheme.CompletionRule.doneOrNot.rawValue ? .doneOrNot : .proportional
            s.deductions = .init(
                lateReport: try n(lateReport, "逾期报送"), missingReport: try n(missingReport, "未报送"),
                returnedReport: try n(returnedReport, "报送被退回"), yellowNotice: try n(yellowNotice, "黄牌督办"),
                redNotice: try n(redNotice, "红牌督办"), escalation: try n(escalation, "督办升级"))
            var caps: [String: Double] = [:]
            for line in bonusTypes.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 50, let cap = Double(parts[1]) else {
                    throw LuoshiError.invalid(field: "加分类型", reason: "每行一类，如 上级表彰=3 (one a line, like 上级表彰=3)")
                }
                caps[parts[0]] = cap
            }
            guard caps.count <= 30 else { throw LuoshiError.invalid(field: "加分类型", reason: "至多 30 类 (30 at most)") }
            s.bonusCaps = caps
            s.bonusCap = try n(bonusCap, "加分上限")
            s.grades = .init(
                excellent: try n(excellent, "优秀"), good: try n(good, "良好"), pass: try n(pass, "合格"),
                excellentShare: try n(excellentShare, "优秀比例") / 100)
            if let top = try formNumber(excellentTop ?? "", field: "优秀名额") {
                guard top == top.rounded(), top >= 0, top <= 100_000 else {
                    throw LuoshiError.invalid(field: "优秀名额", reason: "应为整数 (a whole number)")
                }
                s.grades.excellentTop = Int(top)
            }
            s.grades.vetoCap = vetoCap.flatMap(AssessmentGrade.init(rawValue:)) ?? .fail
            s.blocks = try Self.pairs(blocks, field: "板块折算", example: "重点工作=70").map { name, share in
                guard let v = try formNumber(share, field: "板块折算") else {
                    throw LuoshiError.invalid(field: "板块折算", reason: "缺少比例 (a share is missing)")
                }
                return .init(
                    name: name,
                    categories: try name.split(separator: "+").map { try Self.category($0, field: "板块折算") },
                    share: v / 100)
            }
            var exclusions: [String: [Assessment.Category]] = [:]
            for (group, names) in try Self.pairs(groupExclusions, field: "不计的类别", example: "村=满意度测评") {
                exclusions[group, default: []] += try names.split(separator: "+").map {
                    try Self.category($0, field: "不计的类别")
                }
            }
            s.groupExclusions = exclusions
            return s
        }
    }

    @Sendable func saveScheme(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let form = try req.content.decode(SchemeForm.self)
        let current = try await AssessmentService.scheme(for: plan.id!, on: req.db)
        _ = try await AssessmentService.saveScheme(
            try form.scheme(from: current), plan: plan.id!, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .assessment(plan: plan.id!, period: form.period))
    }

    struct SurveyForm: Content { var period: String }

    @Sendable func importSurvey(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let period = try req.content.decode(SurveyForm.self).period
        let file = try req.uploadedDocument("sheet")
        _ = try await AssessmentService.importSurvey(
            rows: try BreakdownFile.rows(file.data), plan: plan.id!, period: period,
            name: EvidenceStore.cleanName(file.name), actor: user, on: req.store, now: req.now)
        return req.redirect(to: .assessment(plan: plan.id!, period: period))
    }

    struct Query: Decodable {
        var period: String?
        var at: String?
    }

    /// The period asked for (the plan's year by default) and the day it is scored at: its last day, or
    /// today while it runs, or the day asked for.
    func scored(_ req: Request) async throws -> (
        Plan, AssessmentService.Result, period: String, at: String?, round: AssessmentRound?
    ) {
        let user = try req.user()
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        let q = try req.query.decode(Query.self)
        let period = q.period.flatMap { $0.isEmpty ? nil : $0 } ?? "\(plan.year)"
        let end = try AssessmentPeriod.end(of: period)
        var day = min(end, CivilDay(req.now, calendar: .beijing))
        if let at = q.at, !at.isEmpty {
            guard let d = CivilDay(at) else {
                throw LuoshiError.invalid(field: "截至日期", reason: "格式应为 2015-06-30 (a date like 2015-06-30)")
            }
            day = min(d, end)
        }
        // Computed once per database version (every write moves it), then read from memory.
        let version = try await SnapshotCache.version(req)
        let key = "\(plan.id!)|\(period)|\(day)"
        let round = try await AssessmentRounds.find(plan: plan.id!, period: period, on: req.db)
        if let hit = await req.application.snapshots.assessment(key, version: version) {
            return (plan, hit, period, q.at, round)
        }
        // A round's day and scheme, or its stored result, over what the query asks.
        let (result, _) = try await AssessmentRounds.current(plan: plan, period: period, at: day, on: req.db)
        await req.application.snapshots.store(assessment: result, for: key, version: version)
        return (plan, result, period, q.at, round)
    }

    @Sendable func ranking(req: Request) async throws -> Response {
        let user = try req.user()
        let (plan, result, period, at, round) = try await scored(req)
        // A unit's reporter is shown their own unit's score.
        if user.role == .reporter {
            guard let own = user.$organization.id else { throw LuoshiError.forbidden(reason: "没有所属单位 (no unit)") }
            return req.redirect(to: .assessmentUnit(plan: plan.id!, unit: own, period: period, at: at))
        }
        return req.render(
            AssessmentPage.Ranking(
                model: .init(
                    plan: plan.id!, title: plan.title, period: period, result: result, mayEdit: user.role == .admin,
                    round: round, objections: try await objections(round, on: req.db))))
    }

    @Sendable func unit(req: Request) async throws -> Response {
        let user = try req.user()
        let unitID = req.parameters.get("unitID").flatMap(UUID.init(uuidString:))
        if user.role == .reporter && (unitID == nil || unitID != user.$organization.id) {
            throw LuoshiError.notFound(entity: "单位", id: req.parameters.get("unitID") ?? "")
        }
        let (plan, result, period, _, round) = try await scored(req)
        guard let score = result.scores.first(where: { $0.unit == unitID }) else {
            throw LuoshiError.notFound(entity: "单位", id: req.parameters.get("unitID") ?? "")
        }
        return req.render(
            AssessmentPage.Unit(
                model: .init(
                    plan: plan.id!, title: plan.title, period: period, at: result.at, version: result.scheme.version,
                    score: score, mayCompare: user.role != .reporter,
                    mayEnter: user.role == .admin && round?.stage != .final,
                    bonusTypes: result.scheme.bonusCaps.keys.sorted(), round: round,
                    objections: try await objections(round, on: req.db).filter { $0.$unit.id == unitID },
                    mayObject: user.role == .reporter
                        && (round?.stage.mayObject(
                            today: CivilDay(req.now, calendar: .beijing), publicityUntil: round?.until) ?? false),
                    selfClaims: try await selfClaims(round, unit: score.unit, on: req.db),
                    mayClaim: user.role == .reporter && round?.stage == .open,
                    mayReview: user.role == .admin && (round?.stage == .open || round?.stage == .publicity))))
    }
}
