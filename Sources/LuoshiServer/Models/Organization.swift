import Fluent
import LuoshiCore
import Vapor

/// A unit: the town, a village or community, a department (责任单位).
final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: OrganizationKind
    @OptionalParent(key: "parent_id") var parent: Organization?
    /// 统计用区划代码: the statistics bureau's code for a government or village (320611104 for a town).
    @OptionalField(key: "code") var code: String?
    /// The unit's place in the tree (`TreePath`), kept with every change of parent.
    @OptionalField(key: "path") var path: String?

    init() {}

    /// A unit under `parent` (nil: at the top of the tree), its path worked out from the parent's.
    init(id: UUID = UUID(), name: String, kind: OrganizationKind, parent: Organization? = nil, code: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.code = code
        place(under: parent)
    }

    /// Puts the unit under `parent`: its parent and its path. Units under it need their paths moved too
    /// (`Directory.move`).
    func place(under parent: Organization?) {
        $parent.id = parent?.id
        path = (parent?.treePath.map { $0.appending(id!) } ?? TreePath([id!])).text
    }

    var treePath: TreePath? { path.flatMap(TreePath.init(text:)) }
}

extension UnitNames {
    /// The names of these units as people write them (张芝山镇·党政办 where a name repeats).
    init(_ units: [Organization]) {
        self.init(units.map { .init(id: $0.id!, name: $0.name, parent: $0.$parent.id) })
    }
}
