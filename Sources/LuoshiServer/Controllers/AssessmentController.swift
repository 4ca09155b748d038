import Fluent
import Foundation
import LuoshiCore
import Vapor

/// The 考核 in the browser: the ranking by group, and each unit's score line by line. Whoever reads the
/// plan sees the ranking and any unit's working, a unit's reporter their own unit's: the working is shown
/// to the unit itself.
struct AssessmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("plans", ":planID", "assessment", use: ranking)
        routes.get("plans", ":planID", "assessment", ":unitID", use: unit)
    }

    struct Query: Decodable {
        var period: String?
        var at: String?
    }

    /// The period asked for (the plan's year by default) and the day it is scored at: its last day, or
    /// today while it runs, or the day asked for.
    func scored(_ req: Request) async throws -> (Plan, AssessmentService.Result, period: String, at: String?) {
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
        let result = try await AssessmentService.score(plan: plan, at: day, on: req.db)
        return (plan, result, period, q.at)
    }

    @Sendable func ranking(req: Request) async throws -> Response {
        let user = try req.user()
        let (plan, result, period, at) = try await scored(req)
        // A unit's reporter is shown their own unit's score.
        if user.role == .reporter {
            guard let own = user.$organization.id else { throw LuoshiError.forbidden(reason: "没有所属单位 (no unit)") }
            return req.redirect(to: .assessmentUnit(plan: plan.id!, unit: own, period: period, at: at))
        }
        return req.render(
            AssessmentPage.Ranking(model: .init(plan: plan.id!, title: plan.title, period: period, result: result)))
    }

    @Sendable func unit(req: Request) async throws -> Response {
        let user = try req.user()
        let unitID = req.parameters.get("unitID").flatMap(UUID.init(uuidString:))
        if user.role == .reporter && (unitID == nil || unitID != user.$organization.id) {
            throw LuoshiError.notFound(entity: "单位", id: req.parameters.get("unitID") ?? "")
        }
        let (plan, result, period, _) = try await scored(req)
        guard let score = result.scores.first(where: { $0.unit == unitID }) else {
            throw LuoshiError.notFound(entity: "单位", id: req.parameters.get("unitID") ?? "")
        }
        return req.render(
            AssessmentPage.Unit(
                model: .init(
                    plan: plan.id!, title: plan.title, period: period, at: result.at, version: result.scheme.version,
                    score: score, mayCompare: user.role != .reporter)))
    }
}
