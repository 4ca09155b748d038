import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Setting up the office without the shell: units and the people with accounts. Staff only.
struct DirectoryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("units", use: units)
        routes.post("units", use: addUnit)
        routes.upload("units", "import", maxBytes: BreakdownFile.maxBytes + (64 << 10), from: [.admin], use: importTree)
        routes.get("units", ":unitID", use: unit)
        routes.post("units", ":unitID", use: saveUnit)
        routes.get("people", use: people)
        routes.post("people", use: addPerson)
        routes.get("people", ":userID", use: person)
        routes.post("people", ":userID", use: savePerson)
        routes.post("people", ":userID", "reset", use: resetPassword)
        routes.post("people", ":userID", "disable") { req in try await setDisabled(req, true) }
        routes.post("people", ":userID", "enable") { req in try await setDisabled(req, false) }
    }

    // MARK: units

    @Sendable func units(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let orgs = try await Self.orgs(req)
        var model = UnitsPage.Model(
            units: try await Self.unitRows(orgs, on: req.db), governments: Self.governments(orgs),
            home: try await Directory.government(of: user, on: req.db)?.id)
        if let added = req.query[Int.self, at: "added"] {
            model.imported = Directory.TreeImport(
                added: added, updated: req.query[Int.self, at: "updated"] ?? 0,
                unchanged: req.query[Int.self, at: "unchanged"] ?? 0)
        }
        return req.render(UnitsPage.View(model: model))
    }

    /// A sheet of the tree (name, 统计用区划代码, parent): applied all or nothing, then the list says what changed.
    @Sendable func importTree(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let file = try req.uploadedDocument("sheet")
        guard BreakdownFile.isSheet(name: file.name, data: file.data) else {
            throw LuoshiError.invalid(
                field: "组织表", reason: "请上传 Excel 工作簿 (.xlsx) 或 CSV 文件 (an .xlsx workbook or a .csv file)")
        }
        let result = try await Directory.importTree(
            try BreakdownFile.rows(file.data), by: user, on: req.store, now: req.now)
        return req.redirect(to: "/units?added=\(result.added)&updated=\(result.updated)&unchanged=\(result.unchanged)")
    }

    @Sendable func addUnit(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let unit = try await Directory.addUnit(
            try req.content.decode(Directory.UnitInput.self), by: user, on: req.store, now: req.now)
        return req.redirect(to: .unit(unit.id!))
    }

    @Sendable func unit(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let unit = try await Directory.findUnit(req.parameters.get("unitID"), on: req.db)
        let orgs = try await Self.orgs(req)
        let row = try await Self.unitRows(orgs, on: req.db).first { $0.id == unit.id }!
        let members = try await User.query(on: req.db).filter(\.$organization.$id == unit.id!).sort(\.$username).all()
        return req.render(
            UnitPage.View(
                model: .init(
                    unit: row, governments: Self.governments(orgs), people: members.map { Self.person($0, orgs) })))
    }

    @Sendable func saveUnit(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let id = req.parameters.get("unitID")
        try await Directory.editUnit(
            id, try req.content.decode(Directory.UnitInput.self), by: user, on: req.store, now: req.now)
        return req.redirect(to: .units)
    }

    // MARK: people

    @Sendable func people(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let orgs = try await Self.orgs(req)
        let reach = try await Jurisdiction.of(req)
        let query = User.query(on: req.db)
        if let units = try await reach.unitFilter(on: req.db) { query.filter(\.$organization.$id ~~ units) }
        let all = try await query.all()
        // Staff and leaders first, then units' reporters by unit; disabled accounts last.
        let order: [Role] = [.admin, .leader, .deputy, .reporter]
        let sorted = all.sorted {
            ($0.disabledAt == nil ? 0 : 1, order.firstIndex(of: $0.role)!, Self.unitName($0, orgs), $0.username)
                < ($1.disabledAt == nil ? 0 : 1, order.firstIndex(of: $1.role)!, Self.unitName($1, orgs), $1.username)
        }
        return req.render(
            PeoplePage.View(
                model: .init(
                    people: sorted.map { Self.person($0, orgs) }, units: orgs.map { ($0.id!, $0.name) },
                    home: try await Directory.government(of: user, on: req.db)?.id)))
    }

    @Sendable func addPerson(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let (person, password) = try await Directory.addAccount(
            try req.content.decode(Directory.AccountInput.self), by: user, cost: req.bcryptCost,
            on: req.store, now: req.now)
        let orgs = try await Self.orgs(req)
        return req.render(
            PasswordIssued.View(model: .init(person: Self.person(person, orgs), password: password, isNew: true)))
    }

    @Sendable func person(req: Request) async throws -> Response {
        let viewer = try req.user(.admin)
        let person = try await Directory.findAccount(req.parameters.get("userID"), on: req.db)
        let orgs = try await Self.orgs(req)
        let entries = try await AuditEntry.query(on: req.db).filter(\.$entity == AuditEntity.user.rawValue)
            .filter(\.$entityID == person.id!.uuidString).sort(\.$sequence, .descending).limit(50).all()
        let names = try await ActorNames.load(entries.map(\.actor), on: req.db)
        return req.render(
            PersonPage.View(
                model: .init(
                    person: Self.person(person, orgs), units: orgs.map { ($0.id!, $0.name) },
                    isViewer: person.id == viewer.id,
                    history: entries.map {
                        .init(
                            at: $0.at, action: AuditAction(rawValue: $0.action)?.words ?? ($0.action, $0.action),
                            by: names.name($0.actor, Lang(req)))
                    })))
    }

    @Sendable func savePerson(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let id = req.parameters.get("userID")
        try await Directory.editAccount(
            id, try req.content.decode(Directory.AccountEdit.self), by: user, on: req.store, now: req.now)
        return req.redirect(to: .people)
    }

    @Sendable func resetPassword(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let (person, password) = try await Directory.resetPassword(
            req.parameters.get("userID"), by: user.username, cost: req.bcryptCost, on: req.store, now: req.now)
        let orgs = try await Self.orgs(req)
        return req.render(
            PasswordIssued.View(model: .init(person: Self.person(person, orgs), password: password, isNew: false)))
    }

    @Sendable func setDisabled(_ req: Request, _ disabled: Bool) async throws -> Response {
        let user = try req.user(.admin)
        let id = req.parameters.get("userID")
        try await Directory.setDisabled(id, disabled, by: user, on: req.store, now: req.now)
        return req.redirect(to: .person(try await Directory.findAccount(id, on: req.db).id!))
    }

    // MARK: rows

    /// A query of the accounts of a role within the signed-in person's reach.
    static func people(_ req: Request, _ role: Role) async throws -> QueryBuilder<User> {
        try await Jurisdiction.of(req).people([role], on: req.db)
    }

    /// The units within the signed-in person's reach, by name: a county's office sees its county, not the
    /// province.
    static func orgs(_ req: Request) async throws -> [Organization] {
        try await Jurisdiction.of(req).units(on: req.db).sort(\.$name).all()
    }

    static func governments(_ orgs: [Organization]) -> [(id: UUID, name: String)] {
        orgs.filter { $0.kind.isGovernment }.map { ($0.id!, $0.name) }
    }

    static func unitName(_ user: User, _ orgs: [Organization]) -> String {
        orgs.first { $0.id == user.$organization.id }?.name ?? ""
    }

    static func person(_ u: User, _ orgs: [Organization]) -> PeoplePage.Person {
        let unit = orgs.first { $0.id == u.$organization.id }
        return .init(
            id: u.id!, username: u.username, displayName: u.displayName, role: u.role,
            unit: unit.map { ($0.id!, $0.name) }, office: u.office, portfolio: u.portfolio,
            disabled: u.disabledAt != nil)
    }

    static func unitRows(_ orgs: [Organization], on db: any Database) async throws -> [UnitsPage.Unit] {
        // Counted for these units only: a county's page does not read the province's accounts.
        let ids = orgs.compactMap(\.id)
        var accounts: [UUID: Int] = [:]
        var leads: [UUID: Int] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for u in try await User.query(on: db).filter(\.$organization.$id ~~ chunk).field(\.$organization.$id).all()
            {
                if let o = u.$organization.id { accounts[o, default: 0] += 1 }
            }
            for a in try await Assignment.query(on: db).filter(\.$leadUnit.$id ~~ chunk).field(\.$leadUnit.$id).all() {
                if let o = a.$leadUnit.id { leads[o, default: 0] += 1 }
            }
        }
        let byID = Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0) })
        // Governments first, then their units by kind and name.
        let order: [OrganizationKind] = [
            .province, .city, .county, .district, .town, .subdistrict, .department, .community, .village,
        ]
        return orgs.sorted {
            (order.firstIndex(of: $0.kind)!, $0.name) < (order.firstIndex(of: $1.kind)!, $1.name)
        }.map { o in
            .init(
                id: o.id!, name: o.name, kind: o.kind, code: o.code,
                parent: o.$parent.id.flatMap { byID[$0] }.map { ($0.id!, $0.name) }, accounts: accounts[o.id!] ?? 0,
                leads: leads[o.id!] ?? 0)
        }
    }
}

/// The names people know each other by, for the log's actors (stored as usernames, so that the log
/// reads the same after a rename): a display name, or the stored name itself for "cli" and "system".
struct ActorNames {
    private let names: [String: String]

    static func load(_ usernames: [String], on db: any Database) async throws -> ActorNames {
        let wanted = Array(Set(usernames))
        guard !wanted.isEmpty else { return ActorNames(names: [:]) }
        var names: [String: String] = [:]
        for u in try await User.query(on: db).filter(\.$username ~~ wanted).all() { names[u.username] = u.displayName }
        return ActorNames(names: names)
    }

    /// The name shown for a log's actor: the person's, or what the app's own steps are called.
    func name(_ username: String, _ lang: Lang) -> String {
        if let known = names[username] { return known }
        switch username {
        case "system": return lang.t("督办系统", "Supervision system")
        case "cli": return lang.t("命令行", "Command line")
        default: return username
        }
    }
}

extension Request {
    /// The bcrypt cost passwords are hashed with (lower in tests).
    var bcryptCost: Int { application.storage[BcryptCostKey.self] ?? 10 }
}
