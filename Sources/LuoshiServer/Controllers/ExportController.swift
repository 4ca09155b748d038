import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import Vapor

/// A plan's 任务分解表 and 台账 as Excel and CSV downloads. Anyone who may read the plan may export it; a
/// unit's reporter gets the rows of their own unit only.
struct ExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("plans", ":planID", "breakdown.xlsx", use: breakdownXLSX)
        routes.get("plans", ":planID", "breakdown.csv", use: breakdownCSV)
        routes.get("plans", ":planID", "ledger.xlsx", use: ledgerXLSX)
    }

    /// `unit`, `leader`: ids; `overdue=1`: overdue rows only; `progress=1`: with the progress columns.
    struct Query: Decodable {
        var unit: String?
        var leader: String?
        var overdue: String?
        var progress: String?
    }

    func breakdown(_ req: Request) async throws -> Breakdown {
        let user = try req.user()
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        let q = try req.query.decode(Query.self)
        var filter = Breakdown.Filter(
            unit: q.unit.flatMap(UUID.init(uuidString:)), leader: q.leader.flatMap(UUID.init(uuidString:)),
            overdueOnly: q.overdue == "1", progress: q.progress == "1")
        // A reporter's sheet is their own unit's.
        if user.role == .reporter { filter.unit = user.$organization.id ?? UUID() }
        return try await Breakdown.build(plan: plan, filter: filter, for: user, on: req.db, now: req.now)
    }

    @Sendable func breakdownXLSX(req: Request) async throws -> Response {
        let b = try await breakdown(req)
        return Self.download(try SpreadsheetWriter.xlsx(b.workbook()), name: "\(b.title)任务分解表.xlsx", type: Self.xlsx)
    }

    @Sendable func breakdownCSV(req: Request) async throws -> Response {
        let b = try await breakdown(req)
        return Self.download(b.csv(), name: "\(b.title)任务分解表.csv", type: "text/csv; charset=utf-8")
    }

    @Sendable func ledgerXLSX(req: Request) async throws -> Response {
        let user = try req.user()
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        let unit = try req.query.decode(Query.self).unit.flatMap(UUID.init(uuidString:))
        let ledger = try await Ledger.build(plan: plan, for: user, unit: unit, on: req.db)
        return Self.download(
            try SpreadsheetWriter.xlsx(ledger.workbook()), name: "\(plan.title)台账.xlsx", type: Self.xlsx)
    }

    static let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func download(_ data: Data, name: String, type: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        let ext = name.split(separator: ".").last.map(String.init) ?? "bin"
        response.headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"luoshi.\(ext)\"; filename*=UTF-8''\(ContentDisposition.encode(name))")
        return response
    }
}
