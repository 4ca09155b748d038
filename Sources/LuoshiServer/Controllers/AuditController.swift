import Fluent
import Foundation
import LuoshiCore
import Vapor

/// The audit log, newest first, with the chain's check.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: page)
    }

    @Sendable func page(req: Request) async throws -> Response {
        _ = try req.user(.admin, .deputy)
        let lang = Lang(req)
        let (count, broken) = try await Audit.verify(on: req.db)
        let entries = try await AuditEntry.query(on: req.db).sort(\.$sequence, .descending).limit(200).all()
        var rows = ""
        for e in entries {
            rows +=
                "<tr><td class=num>\(e.sequence)</td><td>\(Format.date(e.at))</td><td>\(h(e.actor))</td><td>\(h(e.action))</td><td>\(h(e.entity)) \(h(String(e.entityID.prefix(8))))</td><td><code>\(h(String(e.hash.prefix(12))))</code></td></tr>"
        }
        let check =
            broken.map { "<p class=\"badge red\">\(lang.t("链条断裂", "Chain broken")): \(h("\($0)"))</p>" }
            ?? "<p><span class=\"badge green\">\(lang.t("链条完整", "Chain intact"))</span> \(count) \(lang.t("条记录", "entries"))</p>"
        return html(
            req, title: lang.t("审计日志", "Audit log"),
            """
            <h1>\(lang.t("审计日志", "Audit log"))</h1>\(check)
            <table><thead><tr><th>#</th><th>\(lang.t("时间", "When"))</th><th>\(lang.t("操作人", "Who"))</th><th>\(lang.t("操作", "What"))</th><th>\(lang.t("对象", "Record"))</th><th>hash</th></tr></thead><tbody>\(rows)</tbody></table>
            """)
    }
}
