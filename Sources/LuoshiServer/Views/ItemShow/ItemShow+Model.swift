import Foundation
import LuoshiCore

/// One item of a plan: its status, its words in the plan, who carries it out, its notices,
/// milestones, the items under it, the reports filed on it and the comments and instructions.
enum ItemShow {
    struct Assignment {
        var leader: String?
        var leadUnit: String?
        var cooperating: [String]
        var responsiblePerson: String?
        var startDate: Date?
        var dueDate: Date?
        var weight: Double?
        var cycle: ReportingCycle
    }

    struct Notice {
        var id: UUID
        var number: String
        var level: NoticeLevel
        var unit: String
        var state: NoticeState
        var issuedAt: Date
        var reason: String
    }

    struct Milestone {
        var id: UUID
        var name: String
        var plannedDate: Date
        var actualDate: Date?
        var share: Double
        var late: Bool
    }

    struct Child {
        var id: UUID
        var kind: ItemKind
        var label: String
        var status: ItemStatus
    }

    struct Report {
        var id: UUID
        var period: String
        var unit: String
        var author: String
        var submittedAt: Date
        var state: ReportState
        var actualValue: Double?
        var percentComplete: Double?
        var milestone: String?
        var narrative: String
        var problems: String?
        var nextSteps: String?
        var files: [(id: UUID, filename: String, image: Bool)]
        var reviewReason: String?
    }

    struct Comment {
        var author: String
        var createdAt: Date
        var body: String
        var isInstruction: Bool
    }

    /// What the reader may do here.
    struct Allowed {
        var issueNotice = false
        var addMilestone = false
        var reachMilestone = false
        var review = false
        var file = false
        /// Leaders write 批示 (instructions), others comments; deputies only read.
        var comment: CommentKind?
        var seeNotices = false
    }

    enum CommentKind { case comment, instruction }

    struct Retirement {
        var at: Date
        /// Who retired it, by the name people know them by.
        var by: String
        var reason: String?
        var mergedInto: UUID?
    }

    struct Model {
        var plan: (id: UUID, title: String)
        var item: PlanItem
        var status: (status: ItemStatus, progress: Double?, expected: Double?)
        var retired: Retirement?
        /// The item's words in the plan's source text.
        var words: String
        var assignment: Assignment?
        var notices: [Notice]
        var milestones: [Milestone]
        var children: [Child]
        var reports: [Report]
        var reportPage: Paging
        var comments: [Comment]
        var allowed: Allowed
        /// The period a new report is for, by default (this month).
        var period: String
        /// The periods the unit owes, missed first: the form's choices (none: a period is typed).
        var periods: [(period: DuePeriod, overdue: Bool)] = []
        var handDown: HandDownPart?
    }

    /// 上级交办 on an item's page: for a town's copy, where it came from; for a higher government's task,
    /// every town's standing on it, best first, and (for its office) the towns it may still go to.
    struct HandDownPart {
        struct Source {
            var government: String
            var plan: String
            var title: String
            /// The source item, when the reader may open it (a town's office reads its own town only).
            var item: UUID?
        }
        var source: Source?
        var standing: HandDown.RollUp?
        var mayHandDown = false
    }
}
