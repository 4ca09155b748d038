import Fluent
import Foundation
import LuoshiCore
import PlanReader
import Vapor

/// Plans in the browser: the list, importing a document, reviewing the draft, the overview.
struct PlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let plans = routes.grouped("plans")
        plans.get(use: list)
        plans.upload(maxBytes: Limits.document, from: [.admin], use: upload)
        plans.get(":planID", use: overview)
        plans.get(":planID", "review", use: review)
        plans.get(":planID", "publish", use: confirmPublish)
        plans.post(":planID", "publish", use: publish)
        plans.get(":planID", "close", use: confirmClose)
        plans.post(":planID", "close", use: close)
        plans.post(":planID", "reopen", use: reopen)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.user()
        let plans = try await Jurisdiction.of(req).plans(on: req.db).sort(\.$year, .descending)
            .sort(\.$createdAt, .descending).all()
        let rows = plans.filter { Visibility.mayRead($0, user) }.map { p in
            PlanList.Row(
                id: p.id!, title: p.title, year: p.year, status: p.status, sourceName: p.sourceName,
                reviewable: p.status == .draft && user.role == .admin)
        }
        var model = PlanList.Model(rows: rows, mayImport: user.role == .admin)
        let reach = try await Jurisdiction.of(req)
        var government = reach.root
        if government == nil { government = try await Directory.government(of: user, on: req.db)?.id }
        if user.role != .reporter, let root = government {
            model.hasBelow =
                try await Organization.query(on: req.db).filter(\.$parent.$id == root)
                .filter(\.$kind ~~ OrganizationKind.governments).count() > 0
        }
        return req.render(PlanList.View(model: model))
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let document = try req.uploadedDocument("document")
        if BreakdownFile.isSheet(name: document.name, data: document.data) {
            // An office with no document: the plan is made from its 分解表, then the sheet's assignments are
            // previewed like any edited sheet's.
            let (plan, sha) = try await PlanStore.importBreakdown(
                document.data, name: document.name, actor: user, on: req.store, now: req.now,
                keepIn: BreakdownImportController.directory(req))
            return req.redirect(to: .breakdownPreview(plan: plan.id!, sha: sha, name: document.name))
        }
        let plan = try await PlanStore.importDocument(
            document.data, name: document.name, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .review(plan: plan.id!))
    }

    struct Confirmation: Content { var confirm: String? }

    /// What publishing will do, and a button that does it: one click must not publish by accident.
    @Sendable func confirmPublish(req: Request) async throws -> Response {
        try await confirmation(req, Confirm.Model.publish)
    }

    @Sendable func publish(req: Request) async throws -> Response {
        try await confirmed(req, SiteURL.publish) {
            try await PlanLifecycle.publish($0, actor: $1, on: req.store, now: req.now)
        }
    }

    @Sendable func confirmClose(req: Request) async throws -> Response {
        try await confirmation(req, Confirm.Model.close)
    }

    /// Closes a published plan at the end of its year: it becomes history, read-only, until staff
    /// reopen it with a reason.
    @Sendable func close(req: Request) async throws -> Response {
        try await confirmed(req, SiteURL.close) {
            try await PlanLifecycle.close($0, actor: $1, on: req.store, now: req.now)
        }
    }

    /// The page that says what a step of the plan's life will do, with the one button that does it.
    private func confirmation(_ req: Request, _ model: (UUID, String) -> Confirm.Model) async throws -> Response {
        _ = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        return req.render(Confirm.View(model: model(plan.id!, plan.title)))
    }

    /// A step taken from its confirmation page. A form without the confirmation (an old page, a stray
    /// post) changes nothing and is shown what it would do first.
    private func confirmed(
        _ req: Request, _ page: (UUID) -> SiteURL, _ step: (UUID, User) async throws -> Void
    ) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        guard try req.content.decode(Confirmation.self).confirm == "yes" else {
            return req.redirect(to: page(plan.id!))
        }
        try await step(plan.id!, user)
        return req.redirect(to: .plan(plan.id!))
    }

    struct Reopening: Content { var reason: String }

    @Sendable func reopen(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        try await PlanLifecycle.reopen(
            plan.id!, reason: try req.content.decode(Reopening.self).reason, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .plan(plan.id!))
    }

    /// The source text beside the extracted tree; choosing an item marks its words in the source.
    @Sendable func review(req: Request) async throws -> Response {
        let user = try req.user(.admin, .leader, .deputy)
        let plan = try await PlanStore.find(req.parameters.get("planID"), for: req)
        guard Visibility.mayRead(plan, user) else { throw LuoshiError.notFound(entity: "计划", id: plan.id!.uuidString) }
        let items = try await PlanItem.live(plan: plan.id!, on: req.db).sort(\.$position).all()
        let selected = req.query[String.self, at: "item"].flatMap(UUID.init(uuidString:))
        let chosen = items.first { $0.id == selected }
        var children: [UUID: [PlanItem]] = [:]
        for i in items { if let p = i.$parent.id { children[p, default: []].append(i) } }
        func tree(_ list: [PlanItem]) -> [PlanReview.Node] {
            list.map { i in
                PlanReview.Node(
                    id: i.id!,
                    label: i.kind == .target
                        ? "◎ \(i.subject ?? "") \(Format.target(i))" : (i.kind == .project ? "▣ " : "") + i.title,
                    children: tree(children[i.id!] ?? []))
            }
        }
        let roots = items.filter { $0.$parent.id == nil && $0.kind != .task }
        let scalars = Array(plan.sourceText.unicodeScalars)
        func text(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[r])) }
        var source: (before: String, marked: String?, after: String) = (plan.sourceText, nil, "")
        if let chosen, chosen.spanStart >= 0, chosen.spanEnd <= scalars.count, chosen.spanStart <= chosen.spanEnd {
            source = (
                text(0..<chosen.spanStart), text(chosen.spanStart..<chosen.spanEnd),
                text(chosen.spanEnd..<scalars.count)
            )
        }
        let forms = chosen.flatMap { item -> PlanReview.Chosen? in
            guard user.role == .admin else { return nil }
            return PlanReview.Chosen(
                item: item,
                sections: items.filter { ($0.kind == .area || $0.kind == .theme) && $0.id != item.id }
                    .map { ($0.id!, $0.title) },
                siblings: items.filter { $0.kind == item.kind && $0.$parent.id == item.$parent.id && $0.id != item.id }
                    .map { ($0.id!, $0.title) })
        }
        let model = PlanReview.Model(
            plan: plan.id!, title: plan.title, status: plan.status, sourceName: plan.sourceName,
            sourceEncoding: plan.sourceEncoding, sourceSHA256: plan.sourceSHA256, tree: tree(roots), selected: selected,
            source: source, chosen: forms, mayPublish: plan.status == .draft && user.role == .admin)
        return req.render(PlanReview.View(model: model))
    }

    /// Headline targets, each area with its progress and counts by status, what is overdue, by unit and by leader.
    @Sendable func overview(req: Request) async throws -> Response {
        let user = try req.user()
        let lang = Lang(req)
        let plan = try await PlanStore.find(req.parameters.get("planID"), for: req)
        guard Visibility.mayRead(plan, user) else { throw LuoshiError.notFound(entity: "计划", id: plan.id!.uuidString) }
        let (snapshot, key) = try await PlanSnapshot.load(plan, for: req)
        let sort = req.query[String.self, at: "sort"].flatMap(PlanOverview.GroupOrder.init(rawValue:)) ?? .name
        let variant = (lang.english ? "en" : "zh") + "-" + sort.rawValue
        var body = await req.application.snapshots.page(key, variant)
        if body == nil {
            // The names of the units and leaders its items name: the body is kept for every reader of the
            // plan, and a province's plan names a few dozen of the province's thousands of units.
            let named = Set(snapshot.assignments.values.compactMap { $0.$leadUnit.id })
            let units = named.isEmpty ? [] : try await Organization.query(on: req.db).filter(\.$id ~~ named).all()
            let leaderIDs = Set(snapshot.assignments.values.compactMap { $0.$leadLeader.id })
            let leaders = leaderIDs.isEmpty ? [] : try await User.query(on: req.db).filter(\.$id ~~ leaderIDs).all()
            let model = PlanOverview.Model(
                snapshot: snapshot, unitNames: Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.name) }),
                leaderNames: Dictionary(uniqueKeysWithValues: leaders.map { ($0.id!, $0.displayName) }), sort: sort)
            let rendered = PlanOverview.Body(model: model).render(req.pageContext)
            await req.application.snapshots.store(page: rendered, for: key, variant)
            body = rendered
        }
        // Staff see whether and when the plan was released to the public, and release it again.
        let release =
            user.role == .admin && plan.status != .draft ? try await Publication.latest(plan.id!, on: req.db) : nil
        return req.render(
            PlanOverview.View(
                frame: .init(
                    plan: plan.id!, title: plan.title, mayClose: user.role == .admin && plan.status == .published,
                    mayReopen: user.role == .admin && plan.status == .closed,
                    mayImport: user.role == .admin && plan.status != .closed,
                    mayRelease: user.role == .admin && plan.status != .draft,
                    release: release.map { ($0.number, $0.releasedAt) },
                    body: body ?? "")))
    }
}
