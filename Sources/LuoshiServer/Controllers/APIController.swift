import Fluent
import Foundation
import LuoshiCore
import PlanReader
import Vapor

/// The JSON API under `/api/v1`: everything the pages do, described at `/api/openapi.json`.
struct APIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.post("session", use: signIn).documented(
            .init(
                summary: "Sign in: a bearer token (no cookie)", roles: nil, request: [.json(Credentials.self)],
                status: .created, response: SessionView.self, errors: [.unauthorized, .tooManyRequests]))
        api.delete("session", use: signOut).documented(
            .init(summary: "Sign out: the bearer token presented is revoked", roles: [], status: .noContent))
        api.get("plans", use: plans).documented(.init(summary: "Plans the user may read", response: [PlanSummary].self))
        api.upload("plans", maxBytes: Limits.document, from: [.admin], use: importPlan).documented(
            .init(
                summary: "Import a document as a draft plan", roles: [.admin], request: [.multipart(Upload.self)],
                status: .created, response: ImportResult.self))
        api.get("plans", ":planID", use: plan).documented(
            .init(summary: "A plan in luoshi-plan/1 with each item's status", response: PlanView.self))
        api.get("items", ":itemID", use: item).documented(
            .init(
                summary:
                    "An item with its source words, assignment, status, milestones and the reports the user may read",
                response: ItemView.self))
        api.upload("items", ":itemID", "reports", maxBytes: Limits.evidence, from: [.reporter], use: fileReport)
            .documented(
                .init(
                    summary: "File a progress report (a reporter of the item's unit)", roles: [.reporter],
                    request: [.json(Reports.Filing.self), .multipart(ItemController.FilingForm.self)], status: .created,
                    response: ReportView.self, errors: [.conflict]))
        api.post("reports", ":reportID", "accept", use: accept).documented(
            .init(summary: "Accept a submitted report", roles: [.admin], response: ReportView.self, errors: [.conflict])
        )
        api.post("reports", ":reportID", "return", use: giveBack).documented(
            .init(
                summary: "Return a submitted report with a reason", roles: [.admin], request: [.json(ReturnBody.self)],
                response: ReportView.self, errors: [.conflict]))
        api.post("assignments", use: assign).documented(
            .init(
                summary:
                    "Assign items in bulk: a field left out stays as it is on every item; null empties it (not the cycle)",
                roles: [.admin], request: [.json(AssignBody.self)], response: AssignResult.self,
                errors: [.notFound]))
        api.get("audit", use: audit).documented(
            .init(
                summary: "The audit log, newest first, and the chain's check", roles: [.admin, .deputy],
                response: AuditView.self, query: AuditQuery.self))
    }

    struct Credentials: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = [
            "username": [("minLength", 1)], "password": [("minLength", 1)],
        ]
        var username: String
        var password: String
    }

    struct SessionView: Content {
        var token: String
        var expiresAt: Date
        var user: UserView
    }

    struct UserView: Content {
        var id: UUID
        var username: String
        var displayName: String
        var role: Role
        var organization: UUID?
        init(_ u: User) {
            id = u.id!
            username = u.username
            displayName = u.displayName
            role = u.role
            organization = u.$organization.id
        }
    }

    @Sendable func signIn(req: Request) async throws -> Response {
        // JSON only: a form post from another site could otherwise sign a browser in (login CSRF).
        guard req.headers.contentType == .json else {
            throw Abort(.unsupportedMediaType, reason: "请以 JSON 提交 (send JSON)")
        }
        let c = try req.content.decode(Credentials.self)
        let user = try await Accounts.signIn(
            username: c.username, password: c.password, address: req.signInAddress, on: req.db,
            checker: req.application.passwords)
        // Tokens live eight hours of real time, whatever the app's clock says; the table keeps only a hash.
        let value = [UInt8].random(count: 32).base64URL
        let token = UserToken(
            value: StoredSecret.digest(value), userID: user.id!, expiresAt: Date().addingTimeInterval(8 * 3600))
        try await token.create(on: req.db)
        let response = Response(status: .created)
        try response.content.encode(
            SessionView(token: value, expiresAt: token.expiresAt, user: UserView(user)), as: .json)
        return response
    }

    @Sendable func signOut(req: Request) async throws -> HTTPStatus {
        _ = try req.user()
        try await SignOut.token(of: req)
        return .noContent
    }

    struct PlanSummary: Content {
        var id: UUID
        var title: String
        var issuer: String?
        var year: Int
        var status: PlanStatus
    }

    @Sendable func plans(req: Request) async throws -> [PlanSummary] {
        let user = try req.user()
        return try await Jurisdiction.of(req).plans(on: req.db).sort(\.$year, .descending).all()
            .filter { Visibility.mayRead($0, user) }
            .map { PlanSummary(id: $0.id!, title: $0.title, issuer: $0.issuer, year: $0.year, status: $0.status) }
    }

    struct ItemStatusView: Content {
        var id: UUID
        var code: String
        var kind: ItemKind
        var status: ItemStatus
        var colour: StatusColour
        var progress: Double?
        var expected: Double?
    }

    struct PlanView: Content {
        var id: UUID
        var planStatus: PlanStatus
        var overall: ItemStatusView?
        var progress: Double
        var plan: PlanDocument
        var items: [ItemStatusView]
    }

    @Sendable func plan(req: Request) async throws -> PlanView {
        let user = try req.user()
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        let (s, _) = try await PlanSnapshot.load(plan, for: req)
        let items = s.items.map { i -> ItemStatusView in
            let st = s.status(of: i)
            return ItemStatusView(
                id: i.id!, code: i.code, kind: i.kind, status: st.status, colour: st.status.colour,
                progress: st.progress,
                expected: st.expected)
        }
        return PlanView(
            id: plan.id!, planStatus: plan.status, overall: nil, progress: s.overall.progress,
            plan: Exchange.document(s), items: items)
    }

    struct Upload: Content { var document: File }

    struct ImportResult: Content {
        var id: UUID
        var title: String
        var status: PlanStatus
        var items: Int
    }

    @Sendable func importPlan(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        guard req.upload != nil else {
            throw LuoshiError.invalid(
                field: "document", reason: "请以 multipart/form-data 上传文档 (upload as multipart/form-data)")
        }
        let document = try req.uploadedDocument("document")
        let plan = try await PlanStore.importDocument(
            document.data, name: document.name, actor: user, on: req.store, now: req.now)
        let count = try await PlanItem.live(plan: plan.id!, on: req.db).count()
        let response = Response(status: .created)
        try response.content.encode(
            ImportResult(id: plan.id!, title: plan.title, status: plan.status, items: count), as: .json)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/plans/\(plan.id!)")
        return response
    }

    struct ReportView: Content {
        var id: UUID
        var item: UUID
        var unit: UUID
        var author: UUID
        var period: String
        var actualValue: Double?
        var percentComplete: Double?
        var milestone: String?
        var narrative: String
        var problems: String?
        var nextSteps: String?
        var state: ReportState
        var reviewReason: String?
        var submittedAt: Date
        var supersedes: UUID?
        init(_ r: ProgressReport) {
            id = r.id!
            item = r.$item.id
            unit = r.$unit.id
            author = r.$author.id
            period = r.period
            actualValue = r.actualValue
            percentComplete = r.percentComplete
            milestone = r.milestone
            narrative = r.narrative
            problems = r.problems
            nextSteps = r.nextSteps
            state = r.state
            reviewReason = r.reviewReason
            submittedAt = r.submittedAt
            supersedes = r.$supersedes.id
        }
    }

    struct ItemView: Content {
        var id: UUID
        var plan: UUID
        var code: String
        var kind: ItemKind
        var title: String
        var subject: String?
        var comparator: TargetComparator?
        var value: Double?
        var valueMin: Double?
        var valueMax: Double?
        var unit: String?
        var span: Span
        var sourceWords: String
        var status: ItemStatusView
        var assignment: AssignmentView?
        var reports: [ReportView]
        var milestones: [MilestoneView]
    }

    struct MilestoneView: Content {
        var id: UUID
        var name: String
        var plannedDate: Date
        var actualDate: Date?
        var share: Double
    }

    @Sendable func item(req: Request) async throws -> ItemView {
        let user = try req.user()
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let plan = try await PlanStore.find(item.$plan.id.uuidString, on: req.db)
        guard Visibility.mayRead(plan, user) else { throw LuoshiError.notFound(entity: "事项", id: item.id!.uuidString) }
        let (s, _) = try await PlanSnapshot.load(plan, for: req)
        let reports = try await ProgressReport.query(on: req.db).filter(\.$item.$id == item.id!).sort(\.$submittedAt)
            .all().filter { Visibility.mayRead($0, user) }
        let words = plan.words(of: item)
        let st = s.status(of: item)
        return ItemView(
            id: item.id!, plan: plan.id!, code: item.code, kind: item.kind, title: item.title, subject: item.subject,
            comparator: item.comparator, value: item.value, valueMin: item.valueMin, valueMax: item.valueMax,
            unit: item.unit,
            span: Span(start: item.spanStart, end: item.spanEnd), sourceWords: words,
            status: ItemStatusView(
                id: item.id!, code: item.code, kind: item.kind, status: st.status, colour: st.status.colour,
                progress: st.progress, expected: st.expected),
            assignment: s.assignments[item.id!].map(AssignmentView.init), reports: reports.map(ReportView.init),
            milestones: (s.milestones[item.id!] ?? []).map {
                MilestoneView(
                    id: $0.id!, name: $0.name, plannedDate: $0.plannedDate, actualDate: $0.actualDate, share: $0.share)
            })
    }

    @Sendable func fileReport(req: Request) async throws -> Response {
        let user = try req.user()
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        // JSON, or multipart/form-data with evidence[] files beside the fields.
        var filing: Reports.Filing
        var files: [EvidenceStore.Checked] = []
        if req.upload != nil {
            filing = try req.content.decode(ItemController.FilingForm.self).filing()
            files = try req.evidence()
        } else {
            filing = try req.content.decode(Reports.Filing.self)
        }
        let report = try await Reports.file(
            filing, evidence: files, evidenceDirectory: req.application.luoshi.evidenceDirectory, item: item,
            user: user,
            on: req.store, now: req.now)
        let response = Response(status: .created)
        try response.content.encode(ReportView(report), as: .json)
        return response
    }

    struct ReturnBody: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = ["reason": text(max: 2000)]
        var reason: String
    }

    @Sendable func accept(req: Request) async throws -> ReportView {
        let user = try req.user(.admin)
        return ReportView(
            try await Reports.review(
                req.parameters.get("reportID"), accept: true, reason: nil, user: user, on: req.store, now: req.now))
    }

    @Sendable func giveBack(req: Request) async throws -> ReportView {
        let user = try req.user(.admin)
        let body = try req.content.decode(ReturnBody.self)
        return ReportView(
            try await Reports.review(
                req.parameters.get("reportID"), accept: false, reason: body.reason, user: user, on: req.store,
                now: req.now
            ))
    }

    /// A bulk assignment. A field left out stays as it is on every item; a field sent as null is
    /// emptied (the cycle cannot be emptied); a value sets it. Decoding only reads; `change()` checks.
    struct AssignBody: Decodable, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = [
            "items": [("minItems", 1), ("maxItems", 5000)],
            "startDate": [("format", "date"), ("pattern", "^\\d{4}-\\d{2}-\\d{2}$")],
            "dueDate": [("format", "date"), ("pattern", "^\\d{4}-\\d{2}-\\d{2}$")],
            "weight": [("minimum", 0), ("maximum", 1000)],
        ]
        var items: [UUID]
        var leadLeader: FieldChange<UUID>
        var leadUnit: FieldChange<UUID>
        var cooperatingUnits: FieldChange<[UUID]>
        var responsiblePerson: FieldChange<String>
        var startDate: FieldChange<String>
        var dueDate: FieldChange<String>
        var weight: FieldChange<Double>
        var cycle: FieldChange<ReportingCycle>

        enum CodingKeys: String, CodingKey {
            case items, leadLeader, leadUnit, cooperatingUnits, responsiblePerson, startDate, dueDate, weight, cycle
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            items = try c.decode([UUID].self, forKey: .items)
            leadLeader = try c.change(.leadLeader)
            leadUnit = try c.change(.leadUnit)
            cooperatingUnits = try c.change(.cooperatingUnits)
            responsiblePerson = try c.change(.responsiblePerson)
            startDate = try c.change(.startDate)
            dueDate = try c.change(.dueDate)
            weight = try c.change(.weight)
            cycle = try c.change(.cycle)
        }

        func change() throws -> Assignments.Change {
            var change = Assignments.Change()
            change.leader = leadLeader
            change.unit = leadUnit
            change.cooperating = cooperatingUnits
            change.person = responsiblePerson
            change.start = try startDate.map { try Assignments.date($0, "startDate") }
            change.due = try dueDate.map { try Assignments.date($0, "dueDate") }
            change.weight = try weight.map { try Assignments.weight($0) }
            switch cycle {
            case .keep: break
            case .clear: throw LuoshiError.invalid(field: "cycle", reason: "报送周期不能清空 (the cycle cannot be emptied)")
            case .set(let c): change.cycle = c
            }
            return change
        }
    }

    struct AssignResult: Content {
        var changed: Int
    }

    @Sendable func assign(req: Request) async throws -> AssignResult {
        let user = try req.user(.admin)
        let b = try req.content.decode(AssignBody.self)
        guard !b.items.isEmpty else { throw LuoshiError.invalid(field: "items", reason: "不能为空") }
        let summary = try await Assignments.apply(try b.change(), to: b.items, actor: user, on: req.store, now: req.now)
        return AssignResult(changed: summary.changed)
    }

    struct AuditView: Content {
        var intact: Bool
        var count: Int
        var broken: String?
        var entries: [AuditRecord]
    }

    struct AuditQuery: Decodable, SchemaConstraints {
        var limit: Int?
        /// Entries before this sequence number: the next page is `before` the last one read.
        var before: Int?
        static let constraints: [String: [(String, JSONValue)]] = [
            "limit": [("minimum", 1), ("maximum", 1000)], "before": [("minimum", 1)],
        ]
    }

    @Sendable func audit(req: Request) async throws -> AuditView {
        _ = try req.user(.admin, .deputy)
        let query = try req.query.decode(AuditQuery.self)
        let limit = query.limit ?? 100
        guard (1...1000).contains(limit) else {
            throw LuoshiError.invalid(field: "limit", reason: "应为 1 到 1000 (1 to 1000)")
        }
        let (count, broken) = try await Audit.recentCheck(req.application)
        if let before = query.before, before < 1 {
            throw LuoshiError.invalid(field: "before", reason: "应不小于 1 (at least 1)")
        }
        let page = try await req.readableAudit()
        if let before = query.before { page.filter(\.$sequence < before) }
        let entries = try await page.sort(\.$sequence, .descending).limit(limit).all().map(\.record)
        return AuditView(intact: broken == nil, count: count, broken: broken.map { "\($0)" }, entries: entries)
    }

}

/// Plans from the database back into the exchange format.
enum Exchange {
    static func document(_ s: PlanSnapshot) -> PlanDocument {
        let plan = s.plan
        func section(_ item: PlanItem, level: Int) -> PlanSection {
            let kids = s.children[item.id!] ?? []
            return PlanSection(
                id: item.code, number: item.number, title: item.title, level: level,
                span: Span(start: item.spanStart, end: item.spanEnd),
                tasks: kids.filter { $0.kind == .task }.map {
                    PlanTask(id: $0.code, text: $0.title, span: Span(start: $0.spanStart, end: $0.spanEnd))
                },
                sections: kids.filter { $0.kind == .area || $0.kind == .theme }.map { section($0, level: level + 1) })
        }
        let targets = s.items.filter { $0.kind == .target }.map { t in
            PlanTarget(
                id: t.code, section: t.$parent.id.flatMap { s.byID[$0]?.code }, headline: t.headline, text: t.title,
                quantityText: sourceWords(plan, t), subject: t.subject, action: nil,
                comparator: t.comparator ?? .equal, value: t.value,
                valueMin: t.valueMin,
                valueMax: t.valueMax, unit: t.unit, per: t.per, year: plan.year, scope: nil,
                span: Span(start: t.spanStart, end: t.spanEnd), baseline: t.targetBaseline)
        }
        let projects = s.items.filter { $0.kind == .project }.map { p in
            PlanProject(
                id: p.code, name: p.title, section: p.$parent.id.flatMap { s.byID[$0]?.code }, attributes: p.attributes,
                span: Span(start: p.spanStart, end: p.spanEnd))
        }
        return PlanDocument(
            title: plan.title, issuer: plan.issuer, year: plan.year, published: nil,
            source: PlanSource(
                name: plan.sourceName, sha256: plan.sourceSHA256, encoding: plan.sourceEncoding,
                characters: plan.sourceText.unicodeScalars.count),
            sections: s.areas.map { section($0, level: 1) }, targets: targets, projects: projects)
    }

    static func sourceWords(_ plan: Plan, _ item: PlanItem) -> String {
        plan.words(of: item).filter { !$0.isNewline }
    }
}
