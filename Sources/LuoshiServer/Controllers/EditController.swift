import Fluent
import Foundation
import LuoshiCore
import Vapor

/// The review page's corrections, in the browser and the API.
struct EditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("items", ":itemID", "edit", use: edit)
        routes.post("items", ":itemID", "retire", use: retire)
        routes.post("items", ":itemID", "move", use: move)
        routes.post("items", ":itemID", "merge", use: merge)
        routes.post("items", ":itemID", "split", use: split)
        routes.post("plans", ":planID", "items", use: add)
        routes.patch("api", "v1", "items", ":itemID", use: apiEdit).documented(
            .init(
                summary: "Correct an item's words or target; a published promise needs a reason", roles: [.admin],
                request: [.json(PlanEdits.Patch.self)], status: .noContent, errors: [.conflict]))
    }

    func back(_ req: Request, _ item: PlanItem) -> Response {
        req.redirect(to: .review(plan: item.$plan.id, item: item.id!))
    }

    @Sendable func edit(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        try await PlanEdits.edit(
            item.id!, try req.content.decode(PlanEdits.Fields.self).correction(), actor: user, on: req.store,
            now: req.now)
        return back(req, item)
    }

    @Sendable func apiEdit(req: Request) async throws -> HTTPStatus {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        try await PlanEdits.edit(
            item.id!, try req.content.decode(PlanEdits.Patch.self).correction, actor: user, on: req.store,
            now: req.now)
        return .noContent
    }

    struct Reasoned: Content {
        var reason: String?
        var parent: String?
        var other: String?
        var first: String?
        var second: String?
    }

    @Sendable func retire(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        try await PlanEdits.retire(item.id!, reason: form.reason, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .review(plan: item.$plan.id))
    }

    @Sendable func move(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        let parent = try form.parent.flatMap { $0.isEmpty ? nil : $0 }.map { s -> UUID in
            guard let u = UUID(uuidString: s) else { throw LuoshiError.invalid(field: "上级事项", reason: "无效的编号") }
            return u
        }
        try await PlanEdits.move(item.id!, to: parent, reason: form.reason, actor: user, on: req.store, now: req.now)
        return back(req, item)
    }

    @Sendable func merge(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        try await req.requireReach("itemID", form.other)
        let other = try await PlanStore.findItem(form.other, on: req.db)
        try await PlanEdits.merge(
            item.id!, with: other.id!, reason: form.reason, actor: user, on: req.store, now: req.now)
        return back(req, item)
    }

    @Sendable func split(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(Reasoned.self)
        _ = try await PlanEdits.split(
            item.id!, first: form.first ?? "", second: form.second ?? "", reason: form.reason, actor: user,
            on: req.store,
            now: req.now)
        return back(req, item)
    }

    struct AddForm: Content {
        var kind: String
        var parent: String?
        var title: String
        var reason: String?
    }

    @Sendable func add(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let form = try req.content.decode(AddForm.self)
        guard let kind = ItemKind(rawValue: form.kind) else { throw LuoshiError.invalid(field: "类型", reason: "未知的类型") }
        let parent = form.parent.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        let item = try await PlanEdits.add(
            PlanEdits.NewItem(kind: kind, parent: parent, title: form.title, reason: form.reason), to: plan.id!,
            actor: user, on: req.store, now: req.now)
        return back(req, item)
    }
}
