import Fluent
import FluentSQL

extension QueryBuilder {
    /// Keeps the rows whose unit (`field`, a unit's id) is the unit at tree path `root` or one under it. A
    /// unit's path is a prefix of every path below it, so "under" is one LIKE on the organizations' path;
    /// the notice list, the review queue and the people page filter by a chosen unit this way.
    @discardableResult
    func unit<Property: QueryableProperty>(_ field: KeyPath<Model, Property>, under root: String) -> Self
    where Property.Model == Model {
        let column = SQLColumn(
            SQLIdentifier(Model.path(for: field).map(\.description).joined(separator: "_")),
            table: SQLIdentifier(Model.schemaOrAlias))
        return filter(
            .sql(
                embed: """
                    \(column) IN (SELECT \(ident: "id") FROM \(ident: Organization.schema) \
                    WHERE \(ident: "path") LIKE \(bind: root + "%"))
                    """))
    }
}
