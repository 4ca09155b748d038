import Fluent

/// Indexes for the scheduler's reads, the inbox count in every page header and the delivery queue.
struct AddSupervisionIndexes: IndexMigration {
    static let indexes: [(name: String, table: String, columns: String)] = [
        ("inbox_messages_user", "inbox_messages", "user_id, read_at"),
        ("assignments_item", "assignments", "item_id"),
        ("deliveries_queue", "deliveries", "state, next_attempt_at"),
        ("delivery_attempts_delivery", "delivery_attempts", "delivery_id"),
        ("reminders_plan_due", "reminders", "plan_id, due_on"),
        ("supervision_notices_item", "supervision_notices", "item_id"),
        ("supervision_notices_plan_state", "supervision_notices", "plan_id, state"),
        ("notification_channels_org", "notification_channels", "organization_id"),
        ("notification_channels_user", "notification_channels", "user_id"),
    ]
}
