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
        let (count, broken) = try await Audit.recentCheck(req.application)
        let page = req.paging(total: count)
        let entries = try await AuditEntry.query(on: req.db).sort(\.$sequence, .descending).range(page.rows).all()
        let names = try await ActorNames.load(entries.map(\.actor), on: req.db)
        let model = AuditLog.Model(
            entries: entries.map { e in
                AuditLog.Entry(
                    sequence: e.sequence, at: e.at, actor: names.name(e.actor, Lang(req)),
                    action: AuditAction(rawValue: e.action)?.words ?? (e.action, e.action),
                    entity: AuditEntity(rawValue: e.entity)?.words ?? (e.entity, e.entity), entityID: e.entityID,
                    hash: e.hash)
            }, count: count, brokenAt: broken.map { "\($0)" }, page: page)
        return req.render(AuditLog.View(model: model))
    }
}
