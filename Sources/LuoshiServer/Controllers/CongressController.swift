import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Staff draft, edit and issue the report to the people's congress.
struct CongressController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("plans", ":planID", "congress", use: page)
        routes.post("plans", ":planID", "congress", use: act)
        routes.get("plans", ":planID", "congress.docx", use: document)
    }

    static let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    static func period(_ req: Request, _ plan: Plan) throws -> String {
        let period = req.query[String.self, at: "period"] ?? "\(plan.year)-H1"
        _ = try CongressReports.end(period, year: plan.year)
        return period
    }

    /// Staff draft and edit here; leaders and deputies read the report once issued.
    @Sendable func page(req: Request) async throws -> Response {
        let user = try req.user(.admin, .leader, .deputy)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let period = try Self.period(req, plan)
        var report = try await CongressReports.find(plan: plan.id!, period: period, on: req.db)
        if user.role != .admin && report?.issued != true { report = nil }
        let released = try await Publication.latest(plan.id!, on: req.db) != nil
        return req.render(
            CongressPage.View(
                model: .init(
                    plan: plan, period: period, report: report, released: released, mayEdit: user.role == .admin)))
    }

    struct Action: Content {
        var action: String
        var title: String?
        var resolutions: String?
        var work: String?
        var problems: String?
        var other: String?
    }

    @Sendable func act(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let period = try Self.period(req, plan)
        let a = try req.content.decode(Action.self)
        switch a.action {
        case "draft":
            try await CongressReports.draft(plan, period: period, actor: user, on: req.store, now: req.now)
        case "save", "issue":
            guard let report = try await CongressReports.find(plan: plan.id!, period: period, on: req.db) else {
                throw LuoshiError.notFound(entity: "报告", id: period)
            }
            if a.action == "save" {
                try await CongressReports.save(
                    report.id!,
                    .init(
                        title: a.title ?? "", resolutions: a.resolutions ?? "", work: a.work ?? "",
                        problems: a.problems ?? "", other: a.other ?? ""), actor: user, on: req.store, now: req.now)
            } else {
                try await CongressReports.issue(report.id!, actor: user, on: req.store, now: req.now)
            }
        default:
            throw LuoshiError.invalid(field: "action", reason: "应为 draft、save 或 issue")
        }
        return req.redirect(to: .congress(plan: plan.id!, period: period))
    }

    @Sendable func document(req: Request) async throws -> Response {
        let user = try req.user(.admin, .leader, .deputy)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let period = try Self.period(req, plan)
        guard let report = try await CongressReports.find(plan: plan.id!, period: period, on: req.db),
            let content = report.content, report.issued || user.role == .admin
        else { throw LuoshiError.notFound(entity: "报告", id: period) }
        return ExportController.download(
            try CongressReports.docx(content, issuer: plan.issuer ?? "", issued: report.issuedAt),
            name: content.title + ".docx", type: Self.docx)
    }
}
