/// The words of the domain, as the server stores them and the pages show them.

/// A unit in the organisation tree: province → city → county or district → town or 街道 → village or
/// community, and departments under any government.
public enum OrganizationKind: String, Codable, Sendable, CaseIterable, Named {
    case province, city, county, district, town, subdistrict, village, community, department

    public var chinese: String {
        switch self {
        case .province: return "省"
        case .city: return "市"
        case .county: return "县"
        case .district: return "区"
        case .town: return "镇"
        case .subdistrict: return "街道"
        case .village: return "村"
        case .community: return "社区"
        case .department: return "部门"
        }
    }

    public var english: String {
        switch self {
        case .province: return "Province"
        case .city: return "City"
        case .county: return "County"
        case .district: return "District"
        case .town: return "Town"
        case .subdistrict: return "Subdistrict"
        case .village: return "Village"
        case .community: return "Community"
        case .department: return "Department"
        }
    }

    /// A government's tier, 1 for a province down to 4 for a town or 街道; nil for units that are not
    /// governments (a department, a village, a community), which belong to one.
    public var tier: Int? {
        switch self {
        case .province: return 1
        case .city: return 2
        case .county, .district: return 3
        case .town, .subdistrict: return 4
        case .village, .community, .department: return nil
        }
    }

    /// A government: the one a unit and its people belong to, and the one that issues a plan.
    public var isGovernment: Bool { tier != nil }

    /// The kinds that are governments, for queries.
    public static let governments = allCases.filter(\.isGovernment)

    /// Whether a unit of this kind may sit under `parent` (nil: at the top of the tree). A government sits
    /// under a government of a higher tier (a 直辖市's district under the city itself) or at the top; a
    /// village or community under a town or 街道; a department under any government.
    public func maySit(under parent: OrganizationKind?) -> Bool {
        guard let parent else { return isGovernment }
        guard let parentTier = parent.tier else { return false }
        switch self {
        case .village, .community: return parentTier == 4
        case .department: return true
        default: return tier! > parentTier
        }
    }
}

/// What a user may do. Every write checks the role and, for reporters, the unit.
public enum Role: String, Codable, Sendable, CaseIterable, Named {
    /// 督查办 / 党政办 staff: import, edit, assign, review, publish.
    case admin
    /// A unit's reporter (责任单位填报人): reports on the tasks of their own unit.
    case reporter
    /// 挂钩领导: reads their portfolio, comments and instructs (批示).
    case leader
    /// 人大代表: reads everything, writes nothing.
    case deputy

    public var chinese: String {
        switch self {
        case .admin: return "督查办"
        case .reporter: return "单位填报人"
        case .leader: return "挂钩领导"
        case .deputy: return "人大代表"
        }
    }

    public var english: String {
        switch self {
        case .admin: return "Supervision office"
        case .reporter: return "Unit reporter"
        case .leader: return "Leader"
        case .deputy: return "Deputy"
        }
    }
}

/// A plan's life: a draft is reviewed and corrected, then published; a closed plan is history.
public enum PlanStatus: String, Codable, Sendable, CaseIterable, Named {
    case draft, published, closed

    public var chinese: String {
        switch self {
        case .draft: return "草稿"
        case .published: return "已发布"
        case .closed: return "已结束"
        }
    }

    public var english: String {
        switch self {
        case .draft: return "Draft"
        case .published: return "Published"
        case .closed: return "Closed"
        }
    }
}

/// The kinds of node in the plan tree.
public enum ItemKind: String, Codable, Sendable, CaseIterable, Named {
    /// 领域 (一、…)
    case area
    /// 主题 (（一）…, own-line sub-heads)
    case theme
    /// 任务: one commitment
    case task
    /// 目标: a quantity promised
    case target
    /// 项目: a named project, enterprise or facility
    case project

    public var chinese: String {
        switch self {
        case .area: return "领域"
        case .theme: return "主题"
        case .task: return "任务"
        case .target: return "目标"
        case .project: return "项目"
        }
    }

    public var english: String {
        switch self {
        case .area: return "Area"
        case .theme: return "Theme"
        case .task: return "Task"
        case .target: return "Target"
        case .project: return "Project"
        }
    }
}

/// How often an assignment's unit reports (报送周期).
public enum ReportingCycle: String, Codable, Sendable, CaseIterable, Named {
    case weekly, monthly, quarterly
    /// Only when the item is due.
    case dueDateOnly

    public var chinese: String {
        switch self {
        case .weekly: return "每周"
        case .monthly: return "每月"
        case .quarterly: return "每季度"
        case .dueDateOnly: return "到期报送"
        }
    }

    public var english: String {
        switch self {
        case .weekly: return "Weekly"
        case .monthly: return "Monthly"
        case .quarterly: return "Quarterly"
        case .dueDateOnly: return "By the due date"
        }
    }
}

/// A progress report's state: submitted, then accepted or returned; a correction supersedes.
public enum ReportState: String, Codable, Sendable, CaseIterable, Named {
    case submitted, accepted, returned, superseded

    public var chinese: String {
        switch self {
        case .submitted: return "待审核"
        case .accepted: return "已采纳"
        case .returned: return "已退回"
        case .superseded: return "已更正"
        }
    }

    public var english: String {
        switch self {
        case .submitted: return "Awaiting review"
        case .accepted: return "Accepted"
        case .returned: return "Returned"
        case .superseded: return "Corrected"
        }
    }
}

/// A domain failure, carrying what was involved. The server maps it to an HTTP status and a page or
/// JSON body in one place; the CLI to a message and an exit code.
public enum LuoshiError: Error, Sendable, Equatable {
    case notFound(entity: String, id: String)
    /// The user may not do this (a reporter on another unit's task, a deputy writing).
    case forbidden(reason: String)
    /// The request is well-formed but its content is not acceptable.
    case invalid(field: String, reason: String)
    /// The change conflicts with the current state (a report already reviewed, a published promise
    /// edited without a reason).
    case conflict(reason: String)
    case unauthenticated
    /// A sign-in with a username or password that does not match: one answer for both, so that it does
    /// not tell which usernames exist.
    case wrongCredentials

    /// A sentence for a person, Chinese first.
    public var message: String {
        switch self {
        case .notFound(let entity, let id): return "找不到\(entity)「\(id)」(not found)"
        case .forbidden(let reason): return "无权操作：\(reason) (forbidden)"
        case .invalid(let field, let reason): return "「\(field)」不正确：\(reason) (invalid)"
        case .conflict(let reason): return "无法完成：\(reason) (conflict)"
        case .unauthenticated: return "请先登录 (please sign in)"
        case .wrongCredentials: return "用户名或密码不正确 (wrong username or password)"
        }
    }
}

/// A domain value with a name for people in both of the app's languages (the raw value is a code for
/// machines: the API, the database, never a page).
public protocol Named {
    var chinese: String { get }
    var english: String { get }
}
