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
        app.migrations.add(CreatePlanSupervision())
        app.migrations.add(CreateSupervisionNotice())
        app.migrations.add(CreateReminderRecord())
        app.migrations.add(CreateInboxMessage())
        app.migrations.add(CreateNotificationChannel())
        app.migrations.add(CreateDelivery())
        app.migrations.add(CreateDeliveryAttempt())
        app.migrations.add(AddSupervisionIndexes())
        app.migrations.add(CreateNoticeEvidence())
        app.migrations.add(AddRetirementToPlanItem())
        app.migrations.add(ForbidDeletingRecords())
        app.migrations.add(AddBaselineSourceToPlanItem())
        app.migrations.add(CreateWebSession())
        app.migrations.add(HashUserTokens())
        app.migrations.add(AddWebSessionIndexes())
        app.migrations.add(AddAuditSeal())
        app.migrations.add(AddOfficeToUser())
        app.migrations.add(AddProblemsToProgressReport())
        app.migrations.add(CreateAssessment())
        app.migrations.add(CreateAssessmentRound())
        app.migrations.add(CreateAssessmentClaim())
        app.migrations.add(CreatePublicRelease())
        app.migrations.add(CreateFeedback())
        app.migrations.add(CreateCongressReport())
        app.migrations.add(CreateFollower())
        app.migrations.add(AddSupervisionToFeedback())
        app.migrations.add(AddPhotoToFeedback())
        app.migrations.add(CreateBackgroundLease())
        app.migrations.add(AddTreeToOrganizations())
        app.migrations.add(AddOwnerToPlan())
        app.migrations.add(AddSourceToPlanItem())
        app.migrations.add(NameUnitsWithinParent())
        app.migrations.add(NumberNoticesPerGovernment())
        app.migrations.add(AddTreeLookupIndexes())
        app.migrations.add(IndexAssignmentsByLeadUnit())
        app.migrations.add(CreateWriteVersions())
    }
}

/// A migration that creates one table keyed by a UUID `id`: each says only its columns and
/// constraints; creating and dropping the table are said here once.
protocol TableMigration: AsyncMigration {
    var table: String { get }
    func columns(_ table: SchemaBuilder) -> SchemaBuilder
}

extension TableMigration {
    func prepare(on database: any Database) async throws {
        try await columns(database.schema(table).id()).create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(table).delete()
    }
}
