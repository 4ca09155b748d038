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

    init() {}

    init(id: UUID? = nil, name: String, kind: OrganizationKind, parentID: UUID? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.$parent.id = parentID
    }
}
