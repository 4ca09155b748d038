import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// `LuoshiCore.Jurisdiction` worked out for stored accounts and records.
extension Jurisdiction {
    struct Key: StorageKey { typealias Value = Jurisdiction }

    /// What `user`'s roles reach: the nearest government at or above their unit and everything under it. A
    /// government at the top of the tree reaches the whole deployment (a township's own installation works
    /// as it always did), and so does an account of no unit.
    static func of(_ user: User, on db: any Database) async throws -> Jurisdiction {
        guard let unitID = user.$organization.id, let unit = try await Organization.find(unitID, on: db),
            let path = unit.treePath
        else { return .everything }
        let above = try await Organization.query(on: db).filter(\.$id ~~ path.ids).all()
        let reach = Jurisdiction.of(
            unitAt: path, kinds: Dictionary(uniqueKeysWithValues: above.map { ($0.id!, $0.kind) }))
        if case .under(let root) = reach { return try await whole(root, on: db) }
        return reach
    }

    /// The jurisdiction a plan is carried out in: its government's subtree, whose units and people its
    /// sheets name, whose staff hear of its notices and whose leader answers last; the whole deployment
    /// for a plan of no government or of the government at the top of the tree.
    static func serving(_ plan: Plan, on db: any Database) async throws -> Jurisdiction {
        guard let owner = plan.$owner.id, let path = try await Organization.find(owner, on: db)?.treePath else {
            return .everything
        }
        return try await whole(path, on: db)
    }

    /// The reach of a government at `root`: the whole deployment for the one government at the top of the
    /// tree; where several stand side by side (two towns set up before their county was), each its own.
    private static func whole(_ root: TreePath, on db: any Database) async throws -> Jurisdiction {
        guard root.ids.count == 1 else { return .under(root) }
        let tops = try await Organization.query(on: db).filter(\.$parent.$id == nil)
            .filter(\.$kind ~~ OrganizationKind.governments).count()
        return tops == 1 ? .everything : .under(root)
    }

    /// The units within reach.
    func units(on db: any Database) -> QueryBuilder<Organization> {
        let query = Organization.query(on: db)
        if case .under(let root) = self { query.filter(\.$path, .custom("LIKE"), root.text + "%") }
        return query
    }

    /// The accounts of these roles within reach (their unit is within it).
    func people(_ roles: [Role], on db: any Database) async throws -> QueryBuilder<User> {
        let query = User.query(on: db).filter(\.$role ~~ roles)
        if let units = try await unitFilter(on: db) { query.filter(\.$organization.$id ~~ units) }
        return query
    }

    /// The signed-in person's jurisdiction, worked out once a request.
    static func of(_ req: Request) async throws -> Jurisdiction {
        if let known = req.storage[Key.self] { return known }
        guard let user = req.auth.get(User.self) else { return .everything }
        let reach = try await of(user, on: req.db)
        req.storage[Key.self] = reach
        return reach
    }

    /// The records a path parameter names and how to find the unit that owns each: the SQL that reads the
    /// owner's tree path (the id is bound after its last `=`), and whether the record is one that belongs to a plan (a plan of no government is
    /// the whole deployment's) or a unit or person (reached only from above).
    static let owners: [String: (sql: String, planRecord: Bool)] = {
        let planOwner = "LEFT JOIN organizations o ON o.id = p.organization_id"
        return [
            "planID": ("SELECT o.path FROM plans p \(planOwner) WHERE p.id = ", true),
            "itemID": (
                "SELECT o.path FROM plan_items i JOIN plans p ON p.id = i.plan_id \(planOwner) WHERE i.id = ", true
            ),
            "reportID": (
                "SELECT o.path FROM progress_reports r JOIN plan_items i ON i.id = r.item_id JOIN plans p ON p.id = i.plan_id \(planOwner) WHERE r.id = ",
                true
            ),
            "evidenceID": (
                "SELECT o.path FROM evidence e JOIN progress_reports r ON r.id = e.report_id JOIN plan_items i ON i.id = r.item_id JOIN plans p ON p.id = i.plan_id \(planOwner) WHERE e.id = ",
                true
            ),
            "milestoneID": (
                "SELECT o.path FROM milestones m JOIN plan_items i ON i.id = m.item_id JOIN plans p ON p.id = i.plan_id \(planOwner) WHERE m.id = ",
                true
            ),
            "noticeID": (
                "SELECT o.path FROM supervision_notices n JOIN plans p ON p.id = n.plan_id \(planOwner) WHERE n.id = ",
                true
            ),
            "id": ("SELECT o.path FROM feedback f JOIN plans p ON p.id = f.plan_id \(planOwner) WHERE f.id = ", true),
            "noticeEvidenceID": (
                "SELECT o.path FROM notice_evidence e JOIN supervision_notices n ON n.id = e.notice_id JOIN plans p ON p.id = n.plan_id \(planOwner) WHERE e.id = ",
                true
            ),
            "unitID": ("SELECT o.path FROM organizations o WHERE o.id = ", false),
            "userID": (
                "SELECT o.path FROM users u LEFT JOIN organizations o ON o.id = u.organization_id WHERE u.id = ", false
            ),
            "channelID": (
                "SELECT COALESCE(o.path, uo.path) AS path FROM notification_channels c LEFT JOIN organizations o ON o.id = c.organization_id LEFT JOIN users u ON u.id = c.user_id LEFT JOIN organizations uo ON uo.id = u.organization_id WHERE c.id = ",
                false
            ),
            "objectionID": (
                "SELECT o.path FROM assessment_objections a JOIN assessment_rounds r ON r.id = a.round_id JOIN plans p ON p.id = r.plan_id \(planOwner) WHERE a.id = ",
                true
            ),
        ]
    }()

    struct OwnerRow: Decodable { var path: String? }

    /// Whether the record a path parameter names is within reach; true for an id no record has (the
    /// handler answers for it as always).
    /// `writing`: a plan of no government is the deployment's to read, but only the deployment's own
    /// administrators change it.
    func covers(parameter name: String, id: UUID, writing: Bool = false, on db: any Database) async throws -> Bool {
        guard case .under = self, let owner = Self.owners[name], let sql = db as? any SQLDatabase else { return true }
        let rows = try await sql.raw("\(unsafeRaw: owner.sql)\(bind: id)").all(decoding: OwnerRow.self)
        guard let row = rows.first else { return true }
        let path = row.path.flatMap(TreePath.init(text:))
        return owner.planRecord && !writing ? covers(path) : reaches(path)
    }

    /// Refuses, as not found under `entity`'s name, a record outside reach.
    func require(_ parameter: String, _ id: UUID, entity: String, writing: Bool = true, on db: any Database)
        async throws
    {
        guard try await covers(parameter: parameter, id: id, writing: writing, on: db) else {
            throw LuoshiError.notFound(entity: entity, id: id.uuidString)
        }
    }

    /// A query of the plans within reach (those of the governments under the root, and those of none).
    func plans(on db: any Database) async throws -> QueryBuilder<Plan> {
        let query = Plan.query(on: db)
        guard case .under = self else { return query }
        let governments = try await units(on: db).filter(\.$kind ~~ OrganizationKind.governments).all(\.$id)
        return query.group(.or) { $0.filter(\.$owner.$id ~~ governments).filter(\.$owner.$id == nil) }
    }

    /// The ids of the plans within reach, nil for the whole deployment: what lists of notices, reports and
    /// feedback filter by.
    func planIDs(on db: any Database) async throws -> [UUID]? {
        guard case .under = self else { return nil }
        return try await plans(on: db).all(\.$id)
    }

    /// The units within reach, nil for the whole deployment.
    func unitFilter(on db: any Database) async throws -> [UUID]? {
        guard case .under = self else { return nil }
        return try await units(on: db).all(\.$id)
    }
}

extension Request {
    /// The audit log as the signed-in person may read it: all of it for the deployment's own; for a
    /// government's office, the steps taken by people within its reach (the app's own steps touch every
    /// town and are left out).
    func readableAudit() async throws -> QueryBuilder<AuditEntry> {
        let query = AuditEntry.query(on: db)
        guard let units = try await Jurisdiction.of(self).unitFilter(on: db) else { return query }
        let names = try await User.query(on: db).filter(\.$organization.$id ~~ units).all(\.$username)
        return query.filter(\.$actor ~~ names)
    }

    /// Staff's notification channels within reach: those of its units and of its people.
    func readableChannels() async throws -> [NotificationChannel] {
        let all = try await NotificationChannel.staff(on: db).with(\.$organization).with(\.$user).sort(\.$createdAt)
            .all()
        guard let units = try await Jurisdiction.of(self).unitFilter(on: db).map(Set.init) else { return all }
        return all.filter { c in
            [c.$organization.id, c.user?.$organization.id].contains { $0.map(units.contains) ?? false }
        }
    }

    /// Refuses, as not found, a record named in a form or query (not the path, which
    /// `JurisdictionMiddleware` checks) that lies outside the signed-in person's jurisdiction. `parameter`
    /// says what the id names, as a path would (`itemID`, `planID`, `unitID` …).
    func requireReach(_ parameter: String, _ id: String?) async throws {
        guard let id, let uuid = UUID(uuidString: id) else { return }
        try await requireReach(parameter, uuid)
    }

    func requireReach(_ parameter: String, _ id: UUID) async throws {
        try await Jurisdiction.of(self).require(
            parameter, id, entity: "记录", writing: ![.GET, .HEAD].contains(method), on: db)
    }
}

/// Keeps every signed-in request inside its jurisdiction: a plan, item, report, evidence file, milestone,
/// notice, feedback, unit, account or objection named in the path that belongs to another government is
/// answered 404, like an id that does not exist, before any handler (or any upload) runs. One place for
/// every route, so a route added later is covered without remembering to be.
struct JurisdictionMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = req.auth.get(User.self), user.$organization.id != nil else {
            return try await next.respond(to: req)
        }
        let reach = try await Jurisdiction.of(req)
        guard case .under = reach, let route = req.route else { return try await next.respond(to: req) }
        for component in route.path {
            guard case .parameter(let name) = component, let text = req.parameters.get(name),
                let id = UUID(uuidString: text)
            else { continue }
            let writing = ![.GET, .HEAD].contains(req.method)
            guard try await reach.covers(parameter: name, id: id, writing: writing, on: req.db) else {
                throw LuoshiError.notFound(entity: "记录", id: text)
            }
        }
        return try await next.respond(to: req)
    }
}

extension Request {
    /// The units and people a page offers for carrying out `plan`: its own government's, and for a plan
    /// of no government (which any office may read) only those within the reader's reach.
    func carrying(_ plan: Plan) async throws -> Jurisdiction {
        let serving = try await Jurisdiction.serving(plan, on: db)
        return serving == .everything ? try await Jurisdiction.of(self) : serving
    }
}
