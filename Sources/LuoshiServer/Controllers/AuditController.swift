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
        let readable = try await req.readableAudit()
        // The chain's own count is the whole log's; a government's office counts what it reads.
        let scoped = try await Jurisdiction.of(req) != .everything
        let page = req.paging(total: scoped ? try await readable.copy().count() : count)
        let entries = try await readable.sort(\.$sequence, .descending).range(page.rows).all()
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
