import Fluent
import Foundation
import LuoshiCore
import Vapor

/// A 考核 round's life: staff open it (the data frozen at a day, the scheme's version fixed), publish it for
/// 公示, units object and staff answer, and staff make it final: the result is stored and never computed
/// again. Each step is an audited write; the order of the steps is `AssessmentStage`'s.
enum AssessmentRounds {
    static func find(plan: UUID, period: String, on db: any Database) async throws -> AssessmentRound? {
        try await AssessmentRound.query(on: db).filter(\.$plan.$id == plan).filter(\.$period == period).first()
    }

    /// The score everyone sees for a period: a final round's stored result; an open or published round's
    /// computed at its frozen day by its scheme's version; with no round, computed at `day`.
    static func current(plan: Plan, period: String, at day: CivilDay, on db: any Database) async throws -> (
        AssessmentService.Result, AssessmentRound?
    ) {
        guard let round = try await find(plan: plan.requireID(), period: period, on: db), let frozen = round.day else {
            return (try await AssessmentService.score(plan: plan, period: period, at: day, on: db), nil)
        }
        if round.stage == .final, let json = round.resultJSON {
            return (try JSONDecoder().decode(AssessmentService.Result.self, from: Data(json.utf8)), round)
        }
        let scheme = try await AssessmentService.scheme(for: plan.requireID(), version: round.schemeVersion, on: db)
        var reviews: [UUID: [String: Assessment.Review]] = [:]
        for c in try await claims(round, kind: .review, on: db) {
            reviews[c.$unit.id, default: [:]][c.lineKey] = .init(points: c.points, reason: c.note)
        }
        return (
            try await AssessmentService.score(
                plan: plan, period: period, at: frozen, scheme: scheme, reviews: reviews, on: db), round
        )
    }

    static func staff(_ user: User) throws {
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以办理考核 (staff only)") }
    }

    struct RoundRecord: Encodable {
        var period: String
        var at: String
        var schemeVersion: Int
        var stage: AssessmentStage
        var publicityUntil: String?
    }

    static func record(_ r: AssessmentRound) -> RoundRecord {
        RoundRecord(
            period: r.period, at: r.atDay, schemeVersion: r.schemeVersion, stage: r.stage,
            publicityUntil: r.publicityUntil)
    }

    /// Opens the period's round with its data frozen at `at` (its last day by default, never after today).
    static func open(plan planID: UUID, period: String, at: CivilDay?, actor: User, on store: Store, now: Date)
        async throws
    {
        try staff(actor)
        let end = try AssessmentPeriod.end(of: period)
        let today = CivilDay(now, calendar: .beijing)
        let day = at ?? end
        guard day <= today, day <= end else {
            throw LuoshiError.invalid(
                field: "截至日期", reason: "应在考核期内且不晚于今天 (within the period, today at the latest)")
        }
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard try await find(plan: planID, period: period, on: tx.db) == nil else {
                throw LuoshiError.conflict(reason: "该考核期已开始 (this period's round is open already)")
            }
            let version = try await AssessmentService.scheme(for: planID, on: tx.db).version
            let round = AssessmentRound(
                planID: planID, period: period, at: day, schemeVersion: version, by: actor.username, now: now)
            try await round.create(on: tx.db)
            tx.record(.assessmentOpen, .plan, planID, after: record(round))
        }
    }

    static func publish(plan planID: UUID, period: String, until: CivilDay, actor: User, on store: Store, now: Date)
        async throws
    {
        try staff(actor)
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let round = try await find(plan: planID, period: period, on: tx.db) else {
                throw LuoshiError.notFound(entity: "考核", id: period)
            }
            let before = record(round)
            round.stage = try round.stage.publish(today: CivilDay(now, calendar: .beijing), until: until).get()
            round.publicityUntil = Breakdown.iso(until)
            round.publishedAt = now
            try await round.save(on: tx.db)
            tx.record(.assessmentPublish, .plan, planID, before: before, after: record(round))
        }
    }

    struct ObjectionRecord: Encodable {
        var period: String
        var text: String
        var answer: String?
    }

    /// A unit's 异议 during the 公示, by its own reporter.
    static func object(
        plan planID: UUID, period: String, text raw: String, actor: User, on store: Store, now: Date
    ) async throws {
        guard actor.role == .reporter, let unit = actor.$organization.id else {
            throw LuoshiError.forbidden(reason: "异议由单位填报人提出 (a unit's reporter objects)")
        }
        let text = raw.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 5000 else {
            throw LuoshiError.invalid(field: "异议", reason: "须写明理由，不超过 5000 字 (reasons, up to 5,000 characters)")
        }
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let round = try await find(plan: planID, period: period, on: tx.db),
                round.stage.mayObject(today: CivilDay(now, calendar: .beijing), publicityUntil: round.until)
            else {
                throw LuoshiError.conflict(reason: "只能在公示期内提出异议 (objections only during the public notice)")
            }
            let objection = AssessmentObjection(
                roundID: round.id!, unitID: unit, text: text, by: actor.username, at: now)
            try await objection.create(on: tx.db)
            tx.record(.assessmentObject, .unit, unit, after: ObjectionRecord(period: period, text: text, answer: nil))
        }
    }

    static func answer(_ id: String?, text raw: String, actor: User, on store: Store, now: Date) async throws -> UUID {
        try staff(actor)
        let text = raw.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 5000 else {
            throw LuoshiError.invalid(field: "答复", reason: "不能为空，不超过 5000 字 (1 to 5,000 characters)")
        }
        guard let uuid = id.flatMap(UUID.init(uuidString:)),
            let found = try await AssessmentObjection.query(on: store.db).filter(\.$id == uuid).with(\.$round).first()
        else {
            throw LuoshiError.notFound(entity: "异议", id: id ?? "")
        }
        let planID = found.round.$plan.id
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let objection = try await AssessmentObjection.find(uuid, on: tx.db),
                let round = try await AssessmentRound.find(objection.$round.id, on: tx.db)
            else { throw LuoshiError.notFound(entity: "异议", id: uuid.uuidString) }
            guard objection.answer == nil, round.stage == .publicity else {
                throw LuoshiError.conflict(reason: "该异议已答复，或考核已定稿 (answered already, or final)")
            }
            objection.answer = text
            objection.answeredBy = actor.username
            objection.answeredAt = now
            try await objection.save(on: tx.db)
            tx.record(
                .assessmentAnswer, .unit, objection.$unit.id,
                after: ObjectionRecord(period: round.period, text: objection.text, answer: text))
        }
        return planID
    }

    /// Makes the round final: its result, computed one last time, is stored and shown from then on.
    static func finalize(plan: Plan, period: String, actor: User, on store: Store, now: Date) async throws {
        try staff(actor)
        let planID = try plan.requireID()
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let round = try await find(plan: planID, period: period, on: tx.db) else {
                throw LuoshiError.notFound(entity: "考核", id: period)
            }
            let unanswered = try await AssessmentObjection.query(on: tx.db).filter(\.$round.$id == round.id!)
                .filter(\.$answer == nil).count()
            let before = record(round)
            round.stage = try round.stage.finalize(
                today: CivilDay(now, calendar: .beijing), publicityUntil: round.until, unanswered: unanswered
            ).get()
            let (result, _) = try await current(
                plan: plan, period: period, at: round.day ?? CivilDay(now, calendar: .beijing), on: tx.db)
            round.resultJSON = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            round.finalizedAt = now
            try await round.save(on: tx.db)
            tx.record(.assessmentFinalize, .plan, planID, before: before, after: record(round))
        }
    }

    /// The latest claim of a kind for each unit and line.
    static func claims(_ round: AssessmentRound, kind: AssessmentClaim.Kind, on db: any Database) async throws
        -> [AssessmentClaim]
    {
        var latest: [String: AssessmentClaim] = [:]
        for c in try await AssessmentClaim.query(on: db).filter(\.$round.$id == round.id!).filter(\.$kind == kind)
            .sort(\.$at).all()
        {
            latest["\(c.$unit.id)|\(c.lineKey)"] = c
        }
        return Array(latest.values)
    }

    struct ClaimRecord: Encodable {
        var period: String
        var kind: AssessmentClaim.Kind
        var lines: [String: Double]
        var notes: [String: String]
    }

    /// A unit's 自评 (by its reporter, while the round is open) or staff's 复核 (while open or in 公示): points
    /// for some of the unit's lines, by key; a 复核 that changes a line says why.
    static func claim(
        _ kind: AssessmentClaim.Kind, plan planID: UUID, period: String, unit: UUID, lines: [(String, Double, String)],
        actor: User, on store: Store, now: Date
    ) async throws {
        switch kind {
        case .selfScore:
            guard actor.role == .reporter, actor.$organization.id == unit else {
                throw LuoshiError.forbidden(reason: "自评由本单位填报人提交 (the unit's own reporter)")
            }
        case .review: try staff(actor)
        }
        guard !lines.isEmpty else { throw LuoshiError.invalid(field: "分值", reason: "没有填写任何一行 (no line filled)") }
        for (_, points, note) in lines {
            guard points.isFinite, abs(points) <= 100 else {
                throw LuoshiError.invalid(field: "分值", reason: "应为 −100 到 100 的数 (from −100 to 100)")
            }
            if kind == .review && note.isEmpty {
                throw LuoshiError.invalid(field: "复核理由", reason: "改动的每一行须写明理由 (a reason for each line changed)")
            }
            guard note.count <= 2000 else { throw LuoshiError.invalid(field: "说明", reason: "不超过 2000 字") }
        }
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let round = try await find(plan: planID, period: period, on: tx.db) else {
                throw LuoshiError.notFound(entity: "考核", id: period)
            }
            let allowed = kind == .selfScore ? [AssessmentStage.open] : [.open, .publicity]
            guard allowed.contains(round.stage) else {
                throw LuoshiError.conflict(
                    reason: kind == .selfScore
                        ? "自评在考核中提交，公示后不再接受 (self-assessment while the round is open)"
                        : "定稿后不能再复核 (the round is final)")
            }
            for (key, points, note) in lines {
                try await AssessmentClaim(
                    roundID: round.id!, unitID: unit, lineKey: key, kind: kind, points: points, note: note,
                    by: actor.username, at: now
                ).create(on: tx.db)
            }
            tx.record(
                kind == .selfScore ? .assessmentSelf : .assessmentReview, .unit, unit,
                after: ClaimRecord(
                    period: period, kind: kind,
                    lines: Dictionary(lines.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a }),
                    notes: Dictionary(lines.map { ($0.0, $0.2) }, uniquingKeysWith: { a, _ in a })))
        }
    }

    /// Entries and schemes change nothing once the period is final.
    static func requireNotFinal(plan: UUID, period: String, on db: any Database) async throws {
        if let round = try await find(plan: plan, period: period, on: db), round.stage == .final {
            throw LuoshiError.conflict(reason: "该考核期已定稿，不能再修改 (the period is final)")
        }
    }
}
