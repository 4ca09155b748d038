import Fluent
import Foundation
import LuoshiCore
import Vapor

/// 上级交办: handing a task down to the governments under the plan's owner, and their standing on it, as a
/// page section and in the API.
struct HandDownController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("items", ":itemID", "handdown", use: handDownForm)
        let api = routes.grouped("api", "v1")
        api.get("items", ":itemID", "handdown", use: standing).documented(
            .init(
                summary:
                    "上级交办: every government under the plan's owner on a task handed down from this item, best first",
                response: StandingView.self))
        api.post("items", ":itemID", "handdown", use: handDown).documented(
            .init(
                summary:
                    "Hand a task down to governments directly under the plan's owner: each gets a copy in its plan of the same year",
                roles: [.admin], request: [.json(HandDownBody.self)], response: [HandDowns.Outcome].self,
                errors: [.conflict, .notFound]))
    }

    struct HandDownForm: Content {
        var towns: [String]?
    }

    struct HandDownBody: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = ["towns": [("minItems", 1), ("maxItems", 2000)]]
        var towns: [UUID]
    }

    struct TownView: Content {
        var rank: Int?
        var town: UUID
        var townName: String
        var item: UUID?
        /// done, onTrack, notStarted, atRisk, behind or overdue; absent where the task has not reached the town.
        var status: String?
        /// green, yellow or red.
        var colour: String?
        var progress: Double?
    }

    struct StandingView: Content {
        var towns: [TownView]
        var green: Int
        var yellow: Int
        var red: Int
        var behind: Int
        var unreached: Int
    }

    @Sendable func handDownForm(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let towns = try (try req.content.decode(HandDownForm.self).towns ?? []).map {
            guard let id = UUID(uuidString: $0) else {
                throw LuoshiError.invalid(field: "下级政府", reason: "无效 (invalid)")
            }
            return id
        }
        guard !towns.isEmpty else {
            throw LuoshiError.invalid(field: "下级政府", reason: "请至少选择一个 (choose at least one)")
        }
        _ = try await HandDowns.handDown(item.id!, to: towns, by: user, on: req.store, now: req.now)
        return req.redirect(to: "\(SiteURL.item(item.id!).path)#handdown")
    }

    @Sendable func handDown(req: Request) async throws -> [HandDowns.Outcome] {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let body = try req.content.decode(HandDownBody.self)
        guard !body.towns.isEmpty else { throw LuoshiError.invalid(field: "towns", reason: "不能为空 (empty)") }
        return try await HandDowns.handDown(item.id!, to: body.towns, by: user, on: req.store, now: req.now)
    }

    @Sendable func standing(req: Request) async throws -> StandingView {
        let user = try req.user()
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let plan = try await PlanStore.find(item.$plan.id.uuidString, visibleTo: user, on: req.db)
        let rollUp = try await HandDowns.standing(of: item, in: plan, on: req.db, now: req.now)
        var rank = 0
        return StandingView(
            towns: rollUp.ranked.map { t in
                if t.item != nil { rank += 1 }
                return TownView(
                    rank: t.item != nil ? rank : nil, town: t.town, townName: t.townName, item: t.item,
                    status: t.status?.rawValue, colour: t.status?.colour.rawValue, progress: t.progress)
            }, green: rollUp.byColour[.green] ?? 0, yellow: rollUp.byColour[.yellow] ?? 0,
            red: rollUp.byColour[.red] ?? 0, behind: rollUp.behind, unreached: rollUp.unreached)
    }

    /// The item page's part: where a town's copy came from, or the towns' standing on a higher
    /// government's task. Nothing for an item of a plan with no government under its owner.
    static func part(_ item: PlanItem, in plan: Plan, for req: Request) async throws -> ItemShow.HandDownPart? {
        if let sourceID = item.sourceItemID, let source = try await PlanItem.find(sourceID, on: req.db),
            let sourcePlan = try await Plan.find(source.$plan.id, on: req.db)
        {
            let government = try await sourcePlan.$owner.id.asyncMap { try await Organization.find($0, on: req.db) }
            let reach = try await Jurisdiction.of(req)
            let readable = try await reach.covers(parameter: "itemID", id: sourceID, on: req.db)
            return .init(
                source: .init(
                    government: government??.name ?? "", plan: sourcePlan.title, title: source.title,
                    item: readable ? sourceID : nil))
        }
        guard PlanSnapshot.isLeaf(item), plan.$owner.id != nil,
            !(try await HandDowns.recipients(of: plan, on: req.db)).isEmpty
        else { return nil }
        let user = try req.user()
        return .init(
            standing: try await HandDowns.standing(of: item, in: plan, on: req.db, now: req.now),
            mayHandDown: user.role == .admin && plan.status == .published && item.retiredAt == nil)
    }
}
