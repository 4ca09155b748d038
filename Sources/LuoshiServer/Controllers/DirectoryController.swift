import Fluent
import FluentSQL
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

    /// One level of the tree at a time (a province has thousands of units): the units directly under
    /// `?under=` (the office's own government at first) with the way back up, or those matching `?q=`.
    @Sendable func units(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let place = try await Self.place(req, at: req.query[UUID.self, at: "under"], for: user)
        let search = Self.searchText(req)
        var shown = place.children
        if let search {
            shown = try await Jurisdiction.of(req).units(on: req.db)
                .group(.or) {
                    $0.filter(\.$name, .custom("LIKE"), "%\(search)%").filter(\.$code, .custom("LIKE"), "\(search)%")
                }
                .sort(\.$name).limit(Self.searchLimit).all()
        }
        let home = try await Directory.government(of: user, on: req.db)?.id
        var model = UnitsPage.Model(
            at: try await place.at.asyncMap { try await Self.unitRows([$0], on: req.db)[0] },
            trail: place.trail.map { ($0.id!, $0.name) }, units: try await Self.unitRows(shown, on: req.db),
            search: search, governments: Self.governments(place.trail + (place.at.map { [$0] } ?? []) + place.children),
            home: place.at?.kind.isGovernment == true ? place.at?.id : home)
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
        let row = try await Self.unitRows([unit], on: req.db)[0]
        let members = try await User.query(on: req.db).filter(\.$organization.$id == unit.id!).sort(\.$username).all()
        return req.render(
            UnitPage.View(
                model: .init(
                    unit: row, governments: try await Self.governments(around: unit, req),
                    people: members.map { Self.person($0, [unit]) })))
    }

    @Sendable func saveUnit(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let id = req.parameters.get("unitID")
        try await Directory.editUnit(
            id, try req.content.decode(Directory.UnitInput.self), by: user, on: req.store, now: req.now)
        return req.redirect(to: .units)
    }

    // MARK: people

    /// The accounts of a unit and everything under it (`?unit=`, the office's own government at first),
    /// or those matching `?q=`, a page at a time: staff and leaders first, disabled accounts last.
    @Sendable func people(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let place = try await Self.place(req, at: req.query[UUID.self, at: "unit"], for: user)
        let query = User.query(on: req.db)
        let reach = try await Jurisdiction.of(req)
        if let path = place.at?.path {
            if reach == .everything && place.at?.$parent.id == nil {
                // At the top of the deployment, its accounts of no unit (an administrator made on the command
                // line) are listed too.
                query.group(.or) { $0.unit(\.$organization.$id, under: path).filter(\.$organization.$id == nil) }
            } else {
                query.unit(\.$organization.$id, under: path)
            }
        } else if let units = try await reach.unitFilter(on: req.db) {
            query.filter(\.$organization.$id ~~ units)
        }
        let search = Self.searchText(req)
        if let search {
            query.group(.or) {
                $0.filter(\.$displayName, .custom("LIKE"), "%\(search)%")
                    .filter(\.$username, .custom("LIKE"), "%\(search)%")
            }
        }
        let paging = req.paging(total: try await query.copy().count())
        let page = try await query.sort(
            .sql(
                unsafeRaw:
                    "CASE WHEN users.disabled_at IS NULL THEN 0 ELSE 1 END, CASE users.role WHEN 'admin' THEN 0 WHEN 'leader' THEN 1 WHEN 'deputy' THEN 2 ELSE 3 END"
            )
        ).sort(\.$username).range(paging.rows).all()
        let units = try await Organization.query(on: req.db).filter(
            \.$id ~~ Set(page.compactMap { $0.$organization.id })
        )
        .all()
        // A new account goes into this unit or one directly under it; further down, open that unit first.
        let choices = (place.at.map { [$0] } ?? []) + place.children
        return req.render(
            PeoplePage.View(
                model: .init(
                    people: page.map { Self.person($0, units) }, paging: paging, search: search,
                    at: place.at.map { ($0.id!, $0.name) }, trail: place.trail.map { ($0.id!, $0.name) },
                    below: place.children.map { ($0.id!, $0.name) },
                    units: UnitNames(choices).labels.map { ($0.key, $0.value) }.sorted { $0.1 < $1.1 },
                    home: place.at?.id)))
    }

    @Sendable func addPerson(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let (person, password) = try await Directory.addAccount(
            try req.content.decode(Directory.AccountInput.self), by: user, cost: req.bcryptCost,
            on: req.store, now: req.now)
        let unit = try await person.$organization.id.asyncMap { try await Organization.find($0, on: req.db) } ?? nil
        return req.render(
            PasswordIssued.View(
                model: .init(person: Self.person(person, unit.map { [$0] } ?? []), password: password, isNew: true)))
    }

    @Sendable func person(req: Request) async throws -> Response {
        let viewer = try req.user(.admin)
        let person = try await Directory.findAccount(req.parameters.get("userID"), on: req.db)
        let orgs = try await Self.units(around: person.$organization.id, req)
        let entries = try await AuditEntry.query(on: req.db).filter(\.$entity == AuditEntity.user.rawValue)
            .filter(\.$entityID == person.id!.uuidString).sort(\.$sequence, .descending).limit(50).all()
        let names = try await ActorNames.load(entries.map(\.actor), on: req.db)
        return req.render(
            PersonPage.View(
                model: .init(
                    person: Self.person(person, orgs),
                    units: UnitNames(orgs).labels.map { ($0.key, $0.value) }.sorted { $0.1 < $1.1 },
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
        let unit = try await person.$organization.id.asyncMap { try await Organization.find($0, on: req.db) } ?? nil
        return req.render(
            PasswordIssued.View(
                model: .init(person: Self.person(person, unit.map { [$0] } ?? []), password: password, isNew: false)))
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

    /// Where in the tree a setup page stands: a unit within reach, else the office's own government, else
    /// the top of the deployment (nil); the way up to it within reach, and the units directly under it.
    struct Place {
        var at: Organization?
        var trail: [Organization]
        var children: [Organization]
    }

    static func place(_ req: Request, at id: UUID?, for user: User) async throws -> Place {
        let reach = try await Jurisdiction.of(req)
        var at: Organization?
        if let id {
            // The middleware answers 404 for a unit in the path outside reach; a query's unit is checked here.
            guard let found = try await Organization.find(id, on: req.db), reach.reaches(found.treePath) else {
                throw LuoshiError.notFound(entity: "单位", id: id.uuidString)
            }
            at = found
        } else {
            at = try await Directory.government(of: user, on: req.db)
            // An account of a unit under no government reaches that unit alone, not the deployment's government.
            if let found = at, !reach.reaches(found.treePath) {
                at = try await reach.root.asyncMap { try await Organization.find($0, on: req.db) } ?? nil
            }
        }
        let above = Array(at?.treePath?.ids.dropLast() ?? [])
        let trail = try await Organization.query(on: req.db).filter(\.$id ~~ above).all()
            .filter { reach.reaches($0.treePath) }
            .sorted { above.firstIndex(of: $0.id!)! < above.firstIndex(of: $1.id!)! }
        let children = try await Organization.query(on: req.db).filter(\.$parent.$id == at?.id).sort(\.$name).all()
        return Place(at: at, trail: trail, children: children)
    }

    /// What a unit filter or picker offers: the way up to `chosen` within reach and the unit itself, then
    /// the units directly under it (around the reader's own government when nothing is chosen; around its
    /// parent when the unit has none under it, so the units beside it are there to choose). One level of
    /// the tree, as the units page shows it: no picker holds a province.
    static func unitChoices(_ req: Request, around chosen: UUID?) async throws -> UnitChoices {
        let user = try req.user()
        let reach = try await Jurisdiction.of(req)
        var place = try await place(req, at: chosen, for: user)
        if chosen != nil, place.children.isEmpty, let parent = place.at?.$parent.id,
            let above = place.trail.last, above.id == parent, reach.reaches(above.treePath)
        {
            place = try await Self.place(req, at: parent, for: user)
        }
        let upper = (place.trail + [place.at].compactMap { $0 }).map { (id: $0.id!, name: $0.name) }
        let shown = Set(upper.map(\.id))
        return UnitChoices(
            upper: upper, level: place.children.filter { !shown.contains($0.id!) }.map { (id: $0.id!, name: $0.name) })
    }

    /// A plan's government level: the government (for a plan of none, the reader's own, or each at the top
    /// of the tree for an account of no unit) and the units directly under it, within the reader's reach.
    struct PlanLevel {
        var governments: [Organization]
        var below: [Organization]
        var all: [Organization] { governments + below }
    }

    static func planLevel(_ req: Request, serving plan: Plan) async throws -> PlanLevel {
        if let government = plan.$owner.id {
            let own = try await Organization.find(government, on: req.db)
            let below = try await Organization.query(on: req.db).filter(\.$parent.$id == government).sort(\.$name)
                .all()
            return PlanLevel(governments: [own].compactMap { $0 }, below: below)
        }
        let reach = try await Jurisdiction.of(req)
        let place = try await place(req, at: nil, for: try req.user())
        if let at = place.at {
            return PlanLevel(governments: [at], below: place.children.filter { reach.reaches($0.treePath) })
        }
        // An account of no unit over several governments side by side: each of them and what is under it.
        let tops = place.children.filter { $0.kind.isGovernment && reach.reaches($0.treePath) }
        let under =
            tops.isEmpty
            ? []
            : try await Organization.query(on: req.db).filter(\.$parent.$id ~~ tops.compactMap(\.id)).sort(\.$name)
                .all()
        let loose = place.children.filter { !$0.kind.isGovernment && reach.reaches($0.treePath) }
        return PlanLevel(governments: tops, below: under + loose)
    }

    /// What a plan's unit pickers offer, and how its pages write the units its items name.
    struct PlanUnits {
        /// The plan's level and the units its items already name, within the plan's government and the
        /// reader's reach, by label.
        var offered: [(id: UUID, name: String)]
        /// Every unit offered or named: a row names its unit even where it is no longer one to choose.
        var labels: [UUID: String]
    }

    /// The units a plan's pickers offer: its government's level (``planLevel(_:serving:)``) and the units its
    /// items already name, however deep. A province's plan offers its departments and cities, not the
    /// province's thirteen thousand units three times a page. A deeper unit is written with the way down to
    /// it from the level (三厂镇人民政府·综治办), which `UnitNames` reads back from a sheet too.
    static func planUnits(_ req: Request, serving plan: Plan, naming named: Set<UUID>) async throws -> PlanUnits {
        let level = try await planLevel(req, serving: plan)
        var labels = Dictionary(level.all.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let missing = named.subtracting(labels.keys)
        let deeper = missing.isEmpty ? [] : try await Organization.query(on: req.db).filter(\.$id ~~ missing).all()
        let levelBelow = Set(level.below.compactMap(\.id))
        var names = labels
        for unit in deeper { names[unit.id!] = unit.name }
        // Each deeper unit's way down from the unit of the level it sits under.
        let chains = deeper.map { unit in
            let ids = unit.treePath?.ids ?? [unit.id!]
            return ids.lastIndex(where: levelBelow.contains).map { Array(ids[$0...]) } ?? [unit.id!]
        }
        let between = Set(chains.joined()).subtracting(names.keys)
        if !between.isEmpty {
            for unit in try await Organization.query(on: req.db).filter(\.$id ~~ between).all() {
                names[unit.id!] = unit.name
            }
        }
        for chain in chains {
            labels[chain.last!] = chain.compactMap { names[$0] }.joined(separator: UnitNames.separator)
        }
        // A named unit the form would refuse (moved out of the plan's government, or beyond the reader) is
        // shown in its rows but not offered.
        let carrying = try await req.carrying(plan)
        let reach = try await Jurisdiction.of(req)
        let choosable = Set(level.all.compactMap(\.id)).union(
            deeper.filter { carrying.reaches($0.treePath) && reach.reaches($0.treePath) }.compactMap(\.id))
        let offered = labels.filter { choosable.contains($0.key) }.map { (id: $0.key, name: $0.value) }
            .sorted { $0.name < $1.name }
        return PlanUnits(offered: offered, labels: labels)
    }

    /// The leaders a plan's pickers offer: those of its government and of the departments directly under it
    /// (a county's plan is led from the county, not by its towns' mayors), and any its items already name.
    static func planLeaders(_ req: Request, serving plan: Plan, naming named: Set<UUID>) async throws
        -> QueryBuilder<User>
    {
        let serving = try await req.carrying(plan)
        let level = try await planLevel(req, serving: plan)
        let leading = (level.governments + level.below.filter { !$0.kind.isGovernment }).compactMap(\.id)
        return try await serving.people([.leader], on: req.db)
            .group(.or) {
                $0.filter(\.$organization.$id ~~ leading).filter(\.$id ~~ named)
                if serving == .everything { $0.filter(\.$organization.$id == nil) }
            }
    }

    /// The units a plan's people choose among: its government and the units directly under it.
    static func unitChoices(_ req: Request, serving plan: Plan) async throws -> [Organization] {
        try await planLevel(req, serving: plan).all
    }

    /// A search of at most 50 characters, without LIKE's wildcards; nil when there is none.
    static func searchText(_ req: Request) -> String? {
        let text = String((req.query[String.self, at: "q"] ?? "").filter { !"%_\\".contains($0) }.prefix(50))
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    static let searchLimit = 100

    static func governments(_ orgs: [Organization]) -> [(id: UUID, name: String)] {
        orgs.filter { $0.kind.isGovernment }.map { ($0.id!, $0.name) }
    }

    /// The governments a unit may be moved under from its page: those above it within reach and the ones
    /// directly under each of them (a town moves to a neighbouring county; further, by a tree sheet).
    static func governments(around unit: Organization, _ req: Request) async throws -> [(id: UUID, name: String)] {
        let reach = try await Jurisdiction.of(req)
        let above = Array(unit.treePath?.ids.dropLast() ?? [])
        let ancestors = try await Organization.query(on: req.db).filter(\.$id ~~ above).all()
            .filter { reach.reaches($0.treePath) }
        let query = Organization.query(on: req.db).filter(\.$kind ~~ OrganizationKind.governments)
        if reach == .everything {
            query.group(.or) { $0.filter(\.$parent.$id ~~ above).filter(\.$parent.$id == nil) }
        } else {
            query.filter(\.$parent.$id ~~ above)
        }
        let beside = try await query.all().filter { reach.reaches($0.treePath) }
        var seen: Set<UUID> = [unit.id!]
        return (ancestors + beside).filter(\.kind.isGovernment).filter { seen.insert($0.id!).inserted }
            .sorted {
                ($0.path ?? "").count < ($1.path ?? "").count
                    || (($0.path ?? "").count == ($1.path ?? "").count && $0.name < $1.name)
            }
            .map { ($0.id!, $0.name) }
    }

    /// The units an account may be put in from its page: its government, the units directly under that
    /// government, and the account's own unit.
    static func units(around unit: UUID?, _ req: Request) async throws -> [Organization] {
        let user = try req.user(.admin)
        let own = try await unit.asyncMap { try await Organization.find($0, on: req.db) } ?? nil
        var government = own
        while let g = government, !g.kind.isGovernment {
            government = try await g.$parent.id.asyncMap { try await Organization.find($0, on: req.db) } ?? nil
        }
        let place = try await place(req, at: government?.id, for: user)
        var seen: Set<UUID> = []
        return ([own, place.at].compactMap { $0 } + place.children).filter { seen.insert($0.id!).inserted }
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
        var below: [UUID: Int] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for p in try await Organization.query(on: db).filter(\.$parent.$id ~~ chunk).all(\.$parent.$id) {
                if let p { below[p, default: 0] += 1 }
            }
        }
        let parentIDs = Set(orgs.compactMap { $0.$parent.id })
        let parents = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ parentIDs).all().map {
                ($0.id!, $0)
            })
        // Governments first, then their units by kind and name.
        let order: [OrganizationKind] = [
            .province, .city, .county, .district, .town, .subdistrict, .department, .community, .village,
        ]
        return orgs.sorted {
            (order.firstIndex(of: $0.kind)!, $0.name) < (order.firstIndex(of: $1.kind)!, $1.name)
        }.map { o in
            .init(
                id: o.id!, name: o.name, kind: o.kind, code: o.code,
                parent: o.$parent.id.flatMap { parents[$0] }.map { ($0.id!, $0.name) }, accounts: accounts[o.id!] ?? 0,
                leads: leads[o.id!] ?? 0, children: below[o.id!] ?? 0)
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
