import Fluent
import Foundation
import LuoshiCore
import Vapor

/// An edited 任务分解表 coming back: uploaded, kept by its fingerprint, previewed row by row, then applied
/// all or nothing. Staff only: the sheet changes assignments across the plan.
struct BreakdownImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("plans", ":planID", "breakdown", "import", use: form)
        routes.upload(
            "plans", ":planID", "breakdown", "import", maxBytes: BreakdownFile.maxBytes + (64 << 10), from: [.admin],
            use: upload)
        routes.get("plans", ":planID", "breakdown", "import", ":sha", use: preview)
        routes.post("plans", ":planID", "breakdown", "import", ":sha", use: apply)
    }

    @Sendable func form(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        return req.render(BreakdownImportPage.Upload(plan: plan.id!, title: plan.title))
    }

    @Sendable func upload(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let file = try req.uploadedDocument("sheet")
        guard BreakdownFile.isSheet(name: file.name, data: file.data) else {
            throw LuoshiError.invalid(
                field: "分解表", reason: "请上传 Excel 工作簿 (.xlsx) 或 CSV 文件 (an .xlsx workbook or a .csv file)")
        }
        // Read once here so that a file that cannot be read is refused at once, not kept.
        _ = try BreakdownFile.rows(file.data)
        let sha = try BreakdownFile.stage(
            file.data, kind: BreakdownFile.kind(of: file.data), in: Self.directory(req))
        return req.redirect(to: .breakdownPreview(plan: plan.id!, sha: sha, name: file.name))
    }

    struct PreviewQuery: Decodable {
        var name: String?
        var applied: String?
    }

    @Sendable func preview(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let q = try req.query.decode(PreviewQuery.self)
        let applied = q.applied.flatMap(Self.applied)
        return try await page(req, plan: plan, sha: req.parameters.get("sha") ?? "", name: q.name, applied: applied)
    }

    struct ApplyForm: Content {
        var digest: String
        var name: String?
        var units: [String]?
        var addItems: String?
    }

    @Sendable func apply(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let sha = req.parameters.get("sha") ?? ""
        let f = try req.content.decode(ApplyForm.self)
        let name = Self.cleanName(f.name)
        let data = try BreakdownFile.load(sha, from: Self.directory(req))
        do {
            let applied = try await BreakdownImport.apply(
                plan: plan.id!, source: .init(name: name, sha256: sha, rows: try BreakdownFile.rows(data)),
                expected: f.digest, createUnits: Set(f.units ?? []), addItems: f.addItems == "1", actor: user,
                on: req.store, now: req.now)
            return req.redirect(
                to: .breakdownPreview(
                    plan: plan.id!, sha: sha, name: name,
                    applied: "\(applied.assigned),\(applied.added),\(applied.unitsCreated.count),\(applied.held)"))
        } catch LuoshiError.conflict(let reason) {
            // The plan moved since the preview (or the sheet changes nothing): the fresh preview, with why.
            return try await page(
                req, plan: plan, sha: sha, name: name, applied: nil, warning: reason, status: .conflict)
        }
    }

    private func page(
        _ req: Request, plan: Plan, sha: String, name: String?, applied: BreakdownImport.Applied?,
        warning: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let data = try BreakdownFile.load(sha, from: Self.directory(req))
        let preview = try await BreakdownImport.preview(
            plan: plan, rows: try BreakdownFile.rows(data), on: req.db, now: req.now)
        let model = BreakdownImportPage.Model(
            plan: plan.id!, title: plan.title, closed: plan.status == .closed, sha: sha, name: Self.cleanName(name),
            preview: preview, applied: applied, warning: warning)
        return req.render(BreakdownImportPage.Preview(model: model), status: status)
    }

    static func directory(_ req: Request) -> String {
        BreakdownFile.directory(req.application.luoshi.evidenceDirectory)
    }

    /// The file's name as the form carries it back: a name to show and record, not a path.
    static func cleanName(_ name: String?) -> String {
        let n = EvidenceStore.cleanName(name ?? "")
        return n.isEmpty ? "分解表" : String(n.prefix(200))
    }

    /// "3,1,0,0" → what an apply wrote, for the page it redirects to.
    static func applied(_ s: String) -> BreakdownImport.Applied? {
        let n = s.split(separator: ",").compactMap { Int($0) }
        // From a link anyone may edit: counts, never negative, never more than a sheet can hold.
        guard n.count == 4, n.allSatisfy({ (0...BreakdownFile.maxCells).contains($0) }) else { return nil }
        return .init(assigned: n[0], added: n[1], unitsCreated: Array(repeating: "", count: n[2]), held: n[3])
    }
}
