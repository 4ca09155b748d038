import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Staff moderate citizens' feedback and route it; the unit it is routed to answers.
struct FeedbackController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("feedback", use: list)
        routes.post("feedback", ":id", "moderate", use: moderate)
        routes.post("feedback", ":id", "answer", use: answer)
        routes.get("feedback", ":id", "photo", use: photo)
    }

    @Sendable func photo(req: Request) async throws -> Response {
        let user = try req.user()
        let id = try Self.id(req)
        // Not found, rather than forbidden, for those who may not see it: as with reports.
        guard let f = try await Feedback.find(id, on: req.db), FeedbackService.mayRead(f, viewer: user, photo: true),
            let photo = f.photoID,
            let type = f.photoType
        else { throw LuoshiError.notFound(entity: "照片", id: id.uuidString) }
        let ext = EvidenceStore.kinds.first { $0.value.type == type }?.key ?? "jpg"
        return try EvidenceStore.download(
            photo, filename: "feedback-\(id.uuidString.prefix(8)).\(ext)", contentType: type,
            directory: req.application.luoshi.evidenceDirectory)
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw LuoshiError.notFound(entity: "留言", id: req.parameters.get("id") ?? "")
        }
        return id
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.user()
        var q = Feedback.query(on: req.db).sort(\.$submittedAt, .descending).limit(500)
        if let plans = try await Jurisdiction.of(req).planIDs(on: req.db) { q = q.filter(\.$plan.$id ~~ plans) }
        switch user.role {
        case .admin: break
        case .reporter:
            guard let unit = user.$organization.id else { throw LuoshiError.forbidden(reason: "没有所属单位 (no unit)") }
            q = q.filter(\.$unit.$id == unit).filter(\.$state ~~ [.published, .answered])
        case .leader, .deputy:
            q = q.filter(\.$state ~~ [.published, .answered])
        }
        let feedback = try await q.all()
        let itemIDs = Set(feedback.compactMap { $0.$item.id })
        let items = try await PlanItem.query(on: req.db).filter(\.$id ~~ itemIDs).all()
        let assignments = try await Assignment.query(on: req.db).filter(\.$item.$id ~~ itemIDs).all()
        let leads = Dictionary(
            assignments.compactMap { a in a.$leadUnit.id.map { (a.$item.id, $0) } }, uniquingKeysWith: { a, _ in a })
        // Feedback is routed among its own plan's government's units: a county's office sees each town's
        // feedback with the town's units to choose from, and no page holds the province's.
        var unitsByPlan: [UUID: [Organization]] = [:]
        if user.role == .admin {
            var byGovernment: [UUID: [Organization]] = [:]
            for plan in try await Plan.query(on: req.db).filter(\.$id ~~ Set(feedback.map { $0.$plan.id })).all() {
                let key = plan.$owner.id ?? plan.id!
                if byGovernment[key] == nil {
                    byGovernment[key] = try await DirectoryController.unitChoices(req, serving: plan)
                }
                unitsByPlan[plan.id!] = byGovernment[key]
            }
            // An item's lead unit may sit deeper than the level offered: it is offered too, so the routing
            // starts at it rather than at the first unit of the list.
            var wanted: [UUID: Set<UUID>] = [:]
            for f in feedback {
                guard let item = f.$item.id, let lead = leads[item],
                    !(unitsByPlan[f.$plan.id] ?? []).contains(where: { $0.id == lead })
                else { continue }
                wanted[f.$plan.id, default: []].insert(lead)
            }
            let deeper = try await Organization.query(on: req.db).filter(\.$id ~~ Set(wanted.values.joined())).all()
            for (plan, ids) in wanted { unitsByPlan[plan, default: []] += deeper.filter { ids.contains($0.id!) } }
        }
        let answering = Set(feedback.compactMap { $0.$unit.id })
        let unitNames = Dictionary(
            try await Organization.query(on: req.db).filter(\.$id ~~ answering).all().map { ($0.id!, $0.name) },
            uniquingKeysWith: { a, _ in a })
        let model = FeedbackPage.Model(
            feedback: feedback, items: Dictionary(uniqueKeysWithValues: items.map { ($0.id!, $0) }),
            leadUnits: leads,
            unitsByPlan: unitsByPlan, unitNames: unitNames, viewer: user, today: CivilDay(req.now, calendar: .beijing))
        return req.render(FeedbackPage.View(model: model))
    }

    @Sendable func moderate(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let m = try req.content.decode(FeedbackService.Moderation.self)
        try await FeedbackService.moderate(try Self.id(req), m, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .feedback)
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let user = try req.user(.admin, .reporter)
        let a = try req.content.decode(FeedbackService.Answer.self)
        try await FeedbackService.answer(try Self.id(req), a, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .feedback)
    }
}
