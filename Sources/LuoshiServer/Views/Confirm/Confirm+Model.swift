import Foundation

/// A step that cannot simply be taken back, shown before it is taken: what it will do, in the
/// reader's language, and one button that does it.
enum Confirm {
    struct Model {
        var title: (zh: String, en: String)
        var plan: UUID
        var planTitle: String
        var consequences: [(zh: String, en: String)]
        var action: SiteURL
        var button: (zh: String, en: String)

        static func publish(_ plan: UUID, title: String) -> Model {
            Model(
                title: ("发布计划", "Publish the plan"), plan: plan, planTitle: title,
                consequences: [
                    (
                        "领导、各单位和人大代表将看到本计划及其全部事项。",
                        "Leaders, units and deputies will see the plan and all its items."
                    ),
                    (
                        "此后修改承诺的原文须写明理由，每次修改都记入审计日志。",
                        "From then on, changing a promise's words needs a reason, and every change is logged."
                    ),
                    (
                        "按督办规则开始提醒报送、发督办单。",
                        "Reminders and notices start, as the plan's supervision rules say."
                    ),
                    ("发布不能撤回。", "Publishing cannot be undone."),
                ], action: .publish(plan: plan), button: ("确认发布", "Publish"))
        }

        static func close(_ plan: UUID, title: String) -> Model {
            Model(
                title: ("结束本年度计划", "Close the plan"), plan: plan, planTitle: title,
                consequences: [
                    (
                        "计划转为只读：不再接受报送，不再提醒、发督办单。",
                        "The plan becomes read-only: no more reports, reminders or notices."
                    ),
                    (
                        "已有的报送、督办单和审计记录全部保留。",
                        "Every report, notice and audit entry is kept."
                    ),
                    (
                        "督查办可以写明理由重新打开。",
                        "Staff can reopen it, saying why."
                    ),
                ], action: .close(plan: plan), button: ("确认结束", "Close the plan"))
        }
    }
}
