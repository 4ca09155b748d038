import Fluent
import Foundation
import LuoshiCore
import Vapor

/// One search over what the signed-in person may read.
struct SearchController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("search", use: search)
    }

    static let limit = 30

    @Sendable func search(req: Request) async throws -> Response {
        let user = try req.user()
        let words = String((req.query[String.self, at: "q"] ?? "").storable.prefix(100))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var model = Search.Model(
            query: words, items: [], notices: [], reports: [], units: [], unitPages: user.role == .admin,
            limit: Self.limit)
        guard !words.isEmpty else { return req.render(Search.View(model: model)) }
        let reach = try await Jurisdiction.of(req)
        let plans = try await reach.plans(on: req.db).sort(\.$year, .descending).all().filter {
            Visibility.mayRead($0, user)
        }
        let planTitles = Dictionary(uniqueKeysWithValues: plans.map { ($0.id!, $0.title) })
        if !plans.isEmpty {
            model.items = try await PlanItem.query(on: req.db).filter(\.$plan.$id ~~ plans.compactMap(\.id))
                .filter(\.$retiredAt == nil).filter(\.$title ~~ words).sort(\.$position).limit(Self.limit).all()
                .map { .init(id: $0.id!, title: $0.title, plan: planTitles[$0.$plan.id] ?? "", kind: $0.kind) }
        }
        model.notices = try await Notices.list(
            for: user, open: nil, level: nil, text: words, perPage: Self.limit, on: req.db
        ).notices.map(NoticeList.Row.init)
        // Reports by their words, as the person may read them (a unit: its own, and others' accepted).
        // Within the reader's plans before the limit: other towns' matches must not crowd out their own.
        let reportQuery = ProgressReport.query(on: req.db).filter(\.$narrative ~~ words)
        if case .under = reach {
            reportQuery.join(PlanItem.self, on: \ProgressReport.$item.$id == \PlanItem.$id)
                .filter(PlanItem.self, \.$plan.$id ~~ plans.compactMap(\.id))
        }
        let reports = try await Visibility.readable(reportQuery, by: user).with(\.$item).with(\.$unit).sort(
            \.$submittedAt, .descending
        ).limit(Self.limit).all()
        model.reports = reports.filter { planTitles[$0.item.$plan.id] != nil }.map { r in
            .init(
                id: r.id!, item: r.$item.id, itemTitle: r.item.title, unit: r.unit.name, period: r.period,
                state: r.state, excerpt: Self.excerpt(r.narrative, around: words))
        }
        model.units = try await reach.units(on: req.db).filter(\.$name ~~ words).sort(\.$name).limit(Self.limit).all()
            .map {
                .init(id: $0.id!, name: $0.name, kind: $0.kind)
            }
        return req.render(Search.View(model: model))
    }

    /// About sixty characters of a text around the first place the words occur.
    static func excerpt(_ text: String, around words: String) -> String {
        guard let hit = text.range(of: words) else { return String(text.prefix(60)) }
        let start = text.index(hit.lowerBound, offsetBy: -20, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(hit.upperBound, offsetBy: 40, limitedBy: text.endIndex) ?? text.endIndex
        return (start > text.startIndex ? "…" : "") + text[start..<end] + (end < text.endIndex ? "…" : "")
    }
}
