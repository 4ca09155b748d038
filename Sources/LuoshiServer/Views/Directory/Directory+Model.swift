import Foundation
import LuoshiCore

/// The units (departments, villages, communities) and the governments they belong to.
enum UnitsPage {
    struct Unit {
        var id: UUID
        var name: String
        var kind: OrganizationKind
        /// 统计用区划代码, where it has one.
        var code: String?
        var parent: (id: UUID, name: String)?
        /// Accounts attached to the unit, and the tasks it leads.
        var accounts: Int
        var leads: Int
        /// Units directly under it.
        var children: Int
    }

    struct Model {
        /// The unit whose units are listed (nil: the top of the deployment), and the way up to it.
        var at: Unit?
        var trail: [(id: UUID, name: String)]
        /// The units directly under `at`, or those matching `search`.
        var units: [Unit]
        var search: String?
        /// The governments a unit may be put under.
        var governments: [(id: UUID, name: String)]
        /// The government a new unit goes under unless another is chosen: the viewer's own.
        var home: UUID?
        /// What a sheet just imported did.
        var imported: Directory.TreeImport?
    }
}

/// One unit: its name, kind and government, and who works in it.
enum UnitPage {
    struct Model {
        var unit: UnitsPage.Unit
        var governments: [(id: UUID, name: String)]
        var people: [PeoplePage.Person]
    }
}

/// Everyone with an account.
enum PeoplePage {
    struct Person {
        var id: UUID
        var username: String
        var displayName: String
        var role: Role
        var unit: (id: UUID, name: String)?
        var office: String?
        var portfolio: String?
        var disabled: Bool
    }

    struct Model {
        /// This page of the accounts of `at` and everything under it (or matching `search`).
        var people: [Person]
        var paging: Paging
        var search: String?
        var at: (id: UUID, name: String)?
        var trail: [(id: UUID, name: String)]
        /// The units directly under `at`, to narrow the list to one of them.
        var below: [(id: UUID, name: String)]
        /// The units a new account may be put in: `at` and the units directly under it.
        var units: [(id: UUID, name: String)]
        /// The unit a new account is attached to unless another is chosen.
        var home: UUID?
    }
}

/// One account: what staff may change, its password reset, its state, and its history in the log.
enum PersonPage {
    struct Step {
        var at: Date
        var action: (chinese: String, english: String)
        var by: String
    }

    struct Model {
        var person: PeoplePage.Person
        var units: [(id: UUID, name: String)]
        /// The viewer's own account: they cannot disable themselves or give up their role.
        var isViewer: Bool
        var history: [Step]
    }
}

/// A password shown once: after an account is made or its password reset.
enum PasswordIssued {
    struct Model {
        var person: PeoplePage.Person
        var password: String
        var isNew: Bool
    }
}
