import Fluent
import Foundation
import LuoshiCore
import Vapor

/// A leader's portfolio, or the tasks a unit leads: a leader's own home page; anyone signed in may read
/// anyone's, as they may read the plan (the notices listed are those the reader may see).
struct PortfolioController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("portfolio", use: show)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let viewer = try req.user()
        let plan: Plan?
        if let id = req.query[String.self, at: "plan"] {
            try await req.requireReach("planID", id)
            plan = try await PlanStore.find(id, visibleTo: viewer, on: req.db)
        } else {
            plan = try await Jurisdiction.of(req).plans(on: req.db).filter(\.$status == .published)
                .sort(\.$year, .descending).first()
        }
        // The leaders to choose among are the plan's own government's (a province has thousands); one asked
        // for by the link is looked up within reach.
        let choosing = if let plan { try await req.carrying(plan) } else { try await Jurisdiction.of(req) }
        let leaders = try await choosing.people([.leader], on: req.db).sort(\.$createdAt).sort(\.$username).all()
        let asked = req.query[String.self, at: "leader"].map { $0.uppercased() }
        let unit = try await req.query[String.self, at: "unit"].asyncMap {
            try await req.requireReach("unitID", $0)
            return try await Directory.findUnit($0, on: req.db)
        }
        var leader: User?
        if unit == nil {
            if let asked {
                var found = leaders.first(where: { $0.id?.uuidString == asked })
                if found == nil, let id = UUID(uuidString: asked) {
                    found = try await DirectoryController.people(req, .leader).filter(\.$id == id).first()
                }
                guard let found else { throw LuoshiError.notFound(entity: "领导", id: asked) }
                leader = found
            } else {
                leader = viewer.role == .leader ? viewer : leaders.first
            }
        }
        // The body is the same for everyone who may see the same notices, until the next write or five
        // minutes on: kept rendered, as the overview's is (rendering a long list is most of the cost).
        var key: SnapshotCache.Key?
        var variant = ""
        if let plan {
            key = try await SnapshotCache.key(plan, for: req)
            // The leader picker is the reader's reach: a county's readers and a town's see different ones.
            let reach = try await Jurisdiction.of(req).root?.uuidString ?? "everything"
            let scope = (viewer.role == .reporter ? viewer.$organization.id?.uuidString ?? "none" : "all") + "|" + reach
            variant =
                "portfolio|\(leader?.id?.uuidString ?? "")|\(unit?.id?.uuidString ?? "")|\(Lang(req).english ? "en" : "zh")|\(scope)"
            if let key, let body = await req.application.snapshots.page(key, variant) {
                let title = Portfolio.title(leader: leader?.displayName, unit: unit?.name, Lang(req))
                return req.render(CachedPage(title: title, body: body))
            }
        }
        var rows: [Portfolio.Row] = []
        var notices: [NoticeList.Row] = []
        if let plan, leader != nil || unit != nil {
            let (snapshot, _) = try await PlanSnapshot.load(plan, for: req)
            let mine = snapshot.items.filter {
                guard let a = snapshot.assignments[$0.id!] else { return false }
                return unit.map { a.$leadUnit.id == $0.id } ?? (a.$leadLeader.id == leader?.id)
            }
            let leading = Set(mine.compactMap { snapshot.assignments[$0.id!]?.$leadUnit.id })
            let units = Dictionary(
                uniqueKeysWithValues: try await Organization.query(on: req.db).filter(\.$id ~~ leading).all().map {
                    ($0.id!, $0.name)
                })
            let open = try await SupervisionNotice.query(on: req.db).filter(\.$plan.$id == plan.id!)
                .filter(\.$state != .closed).filter(\.$item.$id ~~ mine.compactMap(\.id)).with(\.$item).with(\.$unit)
                .sort(\.$respondBy).all().filter { Visibility.mayRead($0, viewer) }
            var openByItem: [UUID: Int] = [:]
            for n in open { openByItem[n.$item.id, default: 0] += 1 }
            rows = mine.map { item in
                let st = snapshot.status(of: item)
                let a = snapshot.assignments[item.id!]
                return Portfolio.Row(
                    item: item.id!, title: item.title, status: st.status, progress: st.progress, expected: st.expected,
                    unit: a?.$leadUnit.id.flatMap { id in units[id].map { (id, $0) } }, due: a?.dueDate,
                    lastReport: snapshot.latest[item.id!]?.submittedAt, openNotices: openByItem[item.id!] ?? 0)
            }
            // Worst first; the plan's order within a status.
            rows = rows.enumerated().sorted { ($0.element.status, -$0.offset) > ($1.element.status, -$1.offset) }.map(
                \.element)
            notices = open.map(NoticeList.Row.init)
        }
        let model = Portfolio.Model(
            leader: leader.map { .init(id: $0.id!, name: $0.displayName, office: $0.office, portfolio: $0.portfolio) },
            unit: unit.map { ($0.id!, $0.name) }, leaders: leaders.map { ($0.id!, $0.displayName) },
            plan: plan.map { ($0.id!, $0.title) }, rows: rows, notices: notices)
        let c = req.pageContext
        let body = Portfolio.View(model: model).renderedContent(c)
        if let key { await req.application.snapshots.store(page: body, for: key, variant) }
        return req.render(CachedPage(title: Portfolio.View(model: model).title(c), body: body))
    }
}
