/// The columns of a 任务分解表, recognised by meaning: a sheet made by hand names them in many ways and
/// orders them as it likes (责任领导 for 牵头领导, 主办单位 for 牵头单位, 协办单位 for 配合单位, 时间节点 for
/// 完成时限).
public enum BreakdownField: String, Sendable, CaseIterable, Codable {
    case number, area, content, target, leader, leadUnit, cooperatingUnits, responsible, due, cycle, weight
    case progress, problems, nextSteps, latestValue, completion, status, notices, code

    /// Header words, most specific first; a header is the field whose word it contains (after 牵头/主办
    /// are told from 配合/协办).
    static let words: [(BreakdownField, [String])] = [
        (.code, ["编码", "事项编号", "代码"]),
        (.number, ["序号", "编号", "序"]),
        (.cooperatingUnits, ["配合单位", "协办单位", "协同单位", "参与单位", "协助单位", "配合部门", "协办部门"]),
        (.leadUnit, ["牵头单位", "主办单位", "主责单位", "责任单位", "承办单位", "牵头部门", "责任部门", "主办部门"]),
        (.leader, ["牵头领导", "责任领导", "分管领导", "挂钩领导", "联系领导", "包抓领导", "领导"]),
        (.responsible, ["责任人", "具体责任人", "联系人", "经办人"]),
        (.due, ["完成时限", "时间节点", "完成时间", "办结时限", "时限", "截止时间", "完成期限"]),
        (.cycle, ["报送周期", "报送频次", "调度周期", "周期"]),
        (.weight, ["权重", "分值", "考核分值"]),
        (.target, ["量化目标", "目标值", "量化指标", "预期目标", "指标"]),
        (.progress, ["进展情况", "完成情况", "推进情况", "进度情况"]),
        (.problems, ["存在问题", "问题"]),
        (.nextSteps, ["下一步措施", "下步措施", "下一步计划", "下步打算"]),
        (.latestValue, ["最新数值", "实际完成值", "完成值"]),
        (.completion, ["完成率", "完成比例", "完成进度"]),
        (.status, ["状态"]),
        (.notices, ["督办"]),
        (.area, ["领域", "部分", "类别", "板块", "分类"]),
        (.content, ["任务内容", "工作任务", "重点任务", "目标任务", "具体任务", "工作内容", "任务", "内容", "事项"]),
    ]

    /// The field a header names, or nil.
    public static func of(_ header: String) -> BreakdownField? {
        let h = header.filter { !$0.isWhitespace && !"（）()【】[]：:*".contains($0) }
        guard !h.isEmpty else { return nil }
        for (field, words) in words where words.contains(where: { h == $0 }) { return field }
        for (field, words) in words where words.contains(where: { h.contains($0) }) { return field }
        return nil
    }

    /// The header row of a sheet: among its first rows, the one that names most fields (two at least, one of
    /// them the content), with each column's field; a field named twice keeps its first column.
    public static func headerRow(_ rows: [[String]], lookingAt limit: Int = 10) -> (
        row: Int, columns: [Int: BreakdownField]
    )? {
        var best: (row: Int, columns: [Int: BreakdownField])?
        for (r, row) in rows.prefix(limit).enumerated() {
            var columns: [Int: BreakdownField] = [:]
            var seen: Set<BreakdownField> = []
            for (c, cell) in row.enumerated() {
                guard let f = of(cell), !seen.contains(f) else { continue }
                columns[c] = f
                seen.insert(f)
            }
            guard seen.contains(.content), columns.count >= 2 else { continue }
            if columns.count > (best?.columns.count ?? 0) { best = (r, columns) }
        }
        return best
    }
}
