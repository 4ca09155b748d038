import Fluent
import Foundation
import LuoshiCore
import Vapor

/// The roll-up for a higher office: the governments under one, by colour on their own plans of the year,
/// and the tasks it handed down to them. Staff, leaders and deputies, within their jurisdiction.
struct StandingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("standing", use: page)
    }

    @Sendable func page(req: Request) async throws -> Response {
        let user = try req.user(.admin, .leader, .deputy)
        let reach = try await Jurisdiction.of(req)
        let government: Organization?
        if let asked = req.query[String.self, at: "of"] {
            try await req.requireReach("unitID", asked)
            government = try await Directory.findUnit(asked, on: req.db)
        } else if let root = reach.root {
            government = try await Organization.find(root, on: req.db)
        } else {
            government = try await Directory.government(of: user, on: req.db)
        }
        let year = Calendar.beijing.component(.year, from: req.now)
        let below = try await Organization.query(on: req.db).filter(\.$parent.$id == government?.id).sort(\.$name)
            .all().filter(\.kind.isGovernment)
        let belowIDs = below.compactMap(\.id)
        // Each government's plan of the year: the published one, latest first.
        let plans = try await Plan.query(on: req.db).filter(\.$owner.$id ~~ belowIDs).filter(\.$year == year)
            .filter(\.$status == .published).sort(\.$createdAt, .descending).all()
        let withBelow = Set(
            try await Organization.query(on: req.db).filter(\.$parent.$id ~~ belowIDs)
                .filter(\.$kind ~~ OrganizationKind.governments).all(\.$parent.$id).compactMap {
                    $0
                })
        // Each town's plan as its own last write left it: one read of their counters for all of them.
        var keys: [UUID: SnapshotCache.Key] = [:]
        for (plan, key) in zip(plans, try await SnapshotCache.keys(plans, for: req)) { keys[plan.id!] = key }
        var rows: [Standing.Government] = []
        for g in below {
            var row = Standing.Government(
                id: g.id!, name: g.name, plan: nil, byColour: [:], leaves: 0, hasBelow: withBelow.contains(g.id!))
            if let plan = plans.first(where: { $0.$owner.id == g.id }) {
                let snapshot = try await PlanSnapshot.load(plan, for: req, key: keys[plan.id!]).0
                for item in snapshot.items where PlanSnapshot.isLeaf(item) {
                    row.byColour[snapshot.status(of: item).status.colour, default: 0] += 1
                    row.leaves += 1
                }
                row.plan = (plan.id!, plan.title)
            }
            rows.append(row)
        }
        rows.sort { ($0.plan == nil ? 1 : 0, -$0.redShare, $0.name) < ($1.plan == nil ? 1 : 0, -$1.redShare, $1.name) }
        // The government's own tasks that went down.
        var tasks: [Standing.Task] = []
        if let government,
            let own = try await Plan.query(on: req.db).filter(\.$owner.$id == government.id!).filter(\.$year == year)
                .filter(\.$status == .published).sort(\.$createdAt, .descending).first()
        {
            let handed = Set(
                try await PlanItem.query(on: req.db).filter(\.$sourceItemID != nil).filter(\.$retiredAt == nil)
                    .join(Plan.self, on: \PlanItem.$plan.$id == \Plan.$id).filter(Plan.self, \.$owner.$id ~~ belowIDs)
                    .all(\.$sourceItemID).compactMap { $0 })
            for item in try await PlanItem.live(plan: own.id!, on: req.db).filter(\.$id ~~ handed).sort(\.$position)
                .all()
            {
                tasks.append(
                    .init(
                        item: item.id!, title: item.title,
                        rollUp: try await HandDowns.standing(of: item, in: own, on: req.db, now: req.now)))
            }
        }
        var above: (UUID, String)?
        if let parentID = government?.$parent.id, let parent = try await Organization.find(parentID, on: req.db),
            reach.reaches(parent.treePath)
        {
            above = (parentID, parent.name)
        }
        return req.render(
            Standing.View(
                model: .init(
                    government: government.map { ($0.id!, $0.name) }, above: above, year: year, below: rows,
                    tasks: tasks)))
    }
}
