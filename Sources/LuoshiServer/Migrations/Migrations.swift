import Fluent
import Vapor

/// Every migration, in the order they run. Add new ones at the end.
enum Migrations {
    static func register(on app: Application) {
        app.migrations.add(CreateOrganization())
        app.migrations.add(CreateUser())
        app.migrations.add(CreateUserToken())
        app.migrations.add(CreateLoginAttempt())
        app.migrations.add(CreatePlan())
        app.migrations.add(CreatePlanItem())
        app.migrations.add(CreateAssignment())
        app.migrations.add(CreateProgressReport())
        app.migrations.add(CreateComment())
        app.migrations.add(CreateAuditEntry())
        app.migrations.add(SessionRecord.migration)
        app.migrations.add(CreateEvidence())
        app.migrations.add(AddSessionKeyIndex())
        app.migrations.add(AddLookupIndexes())
        app.migrations.add(CreateMilestone())
        app.migrations.add(AddAttributesToPlanItem())
    }
}
