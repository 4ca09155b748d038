import Fluent
import Foundation
import LuoshiCore
import SQLKit

/// Bearer tokens were kept as issued; from now on only their SHA-256 is: tokens already issued keep
/// working, because each stored value is replaced by its hash.
struct HashUserTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for row in try await sql.select().columns("id", "value").from(UserToken.schema).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            let value = try row.decode(column: "value", as: String.self)
            try await sql.update(UserToken.schema).set("value", to: StoredSecret.digest(value)).where("id", .equal, id)
                .run()
        }
    }

    /// A hash cannot be turned back into a token: reverting signs every API caller out.
    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).delete(from: UserToken.schema).run()
    }
}
