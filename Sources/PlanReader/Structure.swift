/// The plan's tree from the cleaned lines: parts, areas, themes, sub-heads; the plan section of a
/// work report; the headline-target block; which lines may hold targets.
struct Structure {
    enum Zone: Equatable {
        case preamble, review, fiveYear, plan, conduct, annex, glossary, closing, other
    }

    final class Node {
        var titleRange: Range<Int>
        var number: String?
        var key: Key
        var zone: Zone = .plan
        var line: Int
        var children: [Node] = []
        /// Body ranges (cleaned chars) of this node, in order: paragraphs, or the rest of a numbered paragraph.
        var body: [Range<Int>] = []
        /// End of the node's extent in cleaned chars (last body or descendant).
        var end: Int
        weak var parent: Node?
        var id = ""
        var level = 0
        /// Why this is a heading, for `luoshi import --explain`.
        var rule: HeadingRule = .annex
        /// Why a top-level part is in its zone.
        var zoneReason: ZoneReason = .other

        init(titleRange: Range<Int>, number: String?, key: Key, line: Int) {
            self.titleRange = titleRange
            self.number = number
            self.key = key
            self.line = line
            self.end = titleRange.upperBound
        }
    }

    /// The rule that made a heading: each says, in both languages, what the reader saw.
    enum HeadingRule: Sendable, Equatable {
        case markup(Int), numberedLine, numberedBold, numberedBoldLead, numberedLead, numberedItem, counted, boldLine,
            boldLead, bareLine, runInLead, inlineLead, countedInline, annex, glossary, partLine

        var words: String {
            switch self {
            case .markup(let level):
                "文档标记的第\(level)级标题（Markdown #、HTML h、Word 标题样式）(a level-\(level) heading the markup marks)"
            case .numberedLine: "编号的短行 (a short numbered line)"
            case .numberedBold: "整行加粗的编号行 (an all-bold numbered line)"
            case .numberedBoldLead: "编号段落开头的加粗部分 (the bold words opening a numbered paragraph)"
            case .numberedLead: "编号段落的首句，不超过40字 (the lead sentence of a numbered paragraph, at most 40 characters)"
            case .numberedItem: "没有首句的长编号条目：取第一个分句 (a long numbered item without a lead: its first clause)"
            case .counted:
                "“一是…”开头的段落首句，计数在后面的段落延续 (a paragraph opening with 一是…, the count going on in later paragraphs)"
            case .boldLine: "整行加粗 (an all-bold line)"
            case .boldLead: "段首加粗的引领句 (a bold lead sentence opening a paragraph)"
            case .bareLine:
                "标题下独立成行的短句，无数字 (a short line of its own under a heading, without figures)"
            case .runInLead:
                "多数段落以形似的短句开头：段首引领句 (most paragraphs open with a short lead of the same shape)"
            case .inlineLead:
                "长段落内的短引领句，后面各有叙述，且多数领域有主题 (a short heading-shaped sentence inside the text, each followed by its account, where most areas have themes)"
            case .countedInline:
                "段落内“一是…二是…”的引领句，各有较长叙述 (a counted lead inside the paragraph, each with a long account)"
            case .annex: "附件或附表 (an annex)"
            case .glossary: "名词解释 (a glossary)"
            case .partLine:
                "独立成行、说年份与回顾或工作安排的短句：报告的一个部分 (a plain line naming a year and a review or the year's work: a part of the report)"
            }
        }
    }

    /// Why a top-level part belongs where it does.
    enum ZoneReason: Sendable {
        case reviewWords, earlierYear, conduct, fiveYear, planWords, headlineAfterReview, annex, glossary, other

        var words: String {
            switch self {
            case .reviewWords: "标题是回顾（回顾、过去一年…）(its heading looks back)"
            case .earlierYear: "标题只说计划年之前的年份 (its heading names only years before the plan year)"
            case .conduct: "政府自身建设 (the government's own conduct)"
            case .fiveYear: "五年规划的目标，未提计划年 (five-year goals, the plan year not named)"
            case .planWords: "标题说计划年或工作安排 (its heading names the plan year or the year's work)"
            case .headlineAfterReview:
                "回顾之后、没有小标题且载有主要预期目标的部分 (after the review, without heads, holding the headline targets)"
            case .annex: "附件 (an annex)"
            case .glossary: "名词解释 (a glossary)"
            case .other: "以上都不是 (none of the above)"
            }
        }
    }

    enum Key: Equatable {
        case markup(Int)
        case numbered(Numbering.Style)
        case bare
        case root
    }

    let root = Node(titleRange: 0..<0, number: nil, key: .root, line: -1)
    /// Top-level nodes of the plan: the areas.
    var areas: [Node] = []
    var planPart: Node?
    /// Where the plan section begins: the plan part, or a part just before it that speaks of the plan
    /// year without heads of its own (总体要求和目标任务, then 重点工作 with the areas).
    var planStart: Node?
    /// Why the plan section starts where it does, for `luoshi import --explain`.
    var planStartWords = ""
    /// Cleaned ranges that hold the headline targets (主要预期目标).
    var headlineRanges: [Range<Int>] = []
    var titleLine: Int?
    var subtitleRange: Range<Int>?

    static let headline = WordList(Lexicon.headlineWords)
    static let review = WordList(Lexicon.reviewWords)
    static let fiveYear = WordList(Lexicon.fiveYearWords)
    static let planW = WordList(Lexicon.planWords)
    static let conduct = WordList(Lexicon.conductWords)
    static let annex = WordList(Lexicon.annexWords)
    static let glossary = WordList(Lexicon.glossaryWords)
    static let closing = WordList(Lexicon.closingOpenings)

    init(_ t: CleanText, planYear: Int?) {
        let c = t.chars
        var stack: [Node] = [root]
        var previousWasHeading = false
        var seenSection = false
        var closed = false
        var stackBeforeClosing: [Node]?
        // The key of the first numbered part, kept once rather than looked up among the parts for every line.
        var partKey: Key?

        // An address to the deputies before the last part heading (各位代表，… then 四、…) is not the close.
        var partStyle: Numbering.Style?
        var lastPartLine = -1
        for (index, line) in t.lines.enumerated() {
            // An annex's items may be numbered like the parts; they are not parts.
            if line.range.count <= 40 && Structure.annex.match(c, at: line.range.lowerBound) != nil { break }
            guard let n = Numbering.at(c, line.range.lowerBound, end: line.range.upperBound),
                n.style == .part || n.style == .chinese
            else { continue }
            if partStyle == nil { partStyle = n.style }
            if n.style == partStyle { lastPartLine = index }
        }
        for (index, line) in t.lines.enumerated() {
            let r = line.range
            // The title: the first line when it is short and unpunctuated.
            if index == 0 && titleLine == nil && r.count <= 60 && !Scalars.isSentenceEnd(c[r.upperBound - 1])
                && Numbering.at(c, r.lowerBound, end: r.upperBound) == nil && c[r.lowerBound] != "—"
            {
                titleLine = index
                continue
            }
            if index <= 2 && subtitleRange == nil
                && (c[r.lowerBound] == "—" || c[r.lowerBound] == "（" || c[r.lowerBound] == "(")
                && r.count < 80 && !seenSection
            {
                subtitleRange = r
                continue
            }
            // Headline targets block.
            let label = headlineLabel(c, r)
            if let p = label ?? headlineIntro(c, r) {
                // Each line of the block on its own: a clause never runs from one line into the next.
                var block = label == nil ? [p..<r.upperBound] : []
                // "主要预期目标是：" (or the label alone) introduces the next line, or the table or list that follows.
                if label != nil || (r.upperBound - p <= 16 && Scalars.isTerminal(c[r.upperBound - 1])),
                    index + 1 < t.lines.count
                {
                    var k = index + 1
                    let next = t.lines[k].range
                    if Numbering.at(c, next.lowerBound, end: next.upperBound) == nil && t.lines[k].headingLevel == nil {
                        block.append(next)
                        if t.lines[k].item {
                            while k + 1 < t.lines.count && t.lines[k + 1].item {
                                k += 1
                                block.append(t.lines[k].range)
                            }
                        }
                    }
                }
                headlineRanges.append(contentsOf: block)
                // An unnumbered label ("主要目标", "## 主要预期目标") only introduces: it is not a section.
                if label != nil && Numbering.at(c, r.lowerBound, end: r.upperBound) == nil { continue }
            }
            // Closing address and what follows it.
            if seenSection && index > lastPartLine && Structure.closing.match(c, at: r.lowerBound) != nil {
                if !closed { stackBeforeClosing = stack }
                closed = true
                stack = [root]
                previousWasHeading = false
                continue
            }
            // An address to the deputies in the middle of a report ("各位代表，机遇与挑战并存…") was not its
            // close when a heading of the kind already open, or a part, follows: the outline goes on.
            if closed, let saved = stackBeforeClosing {
                let numbering = Numbering.at(c, r.lowerBound, end: r.upperBound)
                let partStyle = partKey
                let resumes =
                    isPartLine(c, line) || (numbering != nil && saved.last?.rule == .partLine)
                    || numbering.map { n in
                        saved.contains { $0.key == .numbered(n.style) } || partStyle == .numbered(n.style)
                    } ?? false
                if resumes {
                    stack = saved
                    closed = false
                    stackBeforeClosing = nil
                }
            }
            // A signature at the end (the issuing office, the date) is neither a head nor a task.
            if seenSection && isSignature(c, r) { continue }
            // Annexes and glossaries open a top-level part of their own.
            let short = r.count <= 40
            if short
                && (Structure.annex.match(c, at: r.lowerBound) != nil || (closed && Structure.annex.contains(in: c, r)))
            {
                stack = [root, openPart(trimmedTitle(c, r), line: index, zone: .annex, rule: .annex, reason: .annex)]
                // What follows an annex is the annex's: the outline saved at a closing address is not resumed.
                stackBeforeClosing = nil
                previousWasHeading = true
                seenSection = true
                continue
            }
            if short && Structure.glossary.match(c, at: r.lowerBound) != nil {
                stack = [
                    root,
                    openPart(trimmedTitle(c, r), line: index, zone: .glossary, rule: .glossary, reason: .glossary),
                ]
                stackBeforeClosing = nil
                previousWasHeading = true
                continue
            }

            // A part named on a plain line of its own: 2022年工作回顾, 2023年工作安排 (the parts of a report that
            // numbers only its areas). It stands at the top, whatever is open.
            if isPartLine(c, line) {
                stack = [root, openPart(trimmedTitle(c, r), line: index, zone: .plan, rule: .partLine, reason: .other)]
                previousWasHeading = true
                seenSection = true
                continue
            }
            // In an annex list (为民办实事项目) each item is one task of the annex, not a section.
            let inAnnexList = stack.count == 2 && stack[1].zone == .annex && stack[1].key == .root
            if !inAnnexList,
                let heading = classify(c, line, inSection: stack.count > 1, previousWasHeading: previousWasHeading)
            {
                let node = Node(titleRange: heading.title, number: heading.number, key: heading.key, line: index)
                node.rule = heading.rule
                place(node, in: &stack, previousWasHeading: previousWasHeading, partKey: partKey, c)
                if partKey == nil, node.parent === root, case .numbered = node.key { partKey = node.key }
                if let rest = heading.rest, !rest.isEmpty { node.body.append(rest) }
                node.end = max(node.titleRange.upperBound, heading.rest?.upperBound ?? 0)
                previousWasHeading = heading.rest == nil || heading.rest!.isEmpty
                seenSection = true
                if let annexNode = stack.dropFirst().first, annexNode.zone == .annex { node.zone = .annex }
                continue
            }
            previousWasHeading = false
            if let top = stack.last, top !== root {
                top.body.append(r)
                for n in stack where n !== root { n.end = max(n.end, r.upperBound) }
            }
        }
        demoteEmptyBareHeads(root)
        promoteRunInLeads(root, c)
        assignZones(c, planYear: planYear)
        // A top-level part gets run-in themes only once it is known to be an area: before, its heads would
        // decide which part is the plan (a 总体安排 part whose paragraphs open with leads is not the plan part).
        for area in areas where area.parent === root && area.zone == .plan { promoteRunInLeads(area, c) }
        // Themes run into the text are a document's habit: taken where most areas have themes, so a
        // few short sentences in one area of a document without themes do not make some.
        let planAreas = areas.filter { $0.zone == .plan }
        let inline = planAreas.map { inlineLeads($0, c) }
        if planAreas.count >= 2,
            zip(planAreas, inline).filter({ !$0.children.isEmpty || $1 != nil }).count * 2 >= planAreas.count
        {
            for (area, leads) in zip(planAreas, inline) { if let leads { promote(area, leads: leads) } }
        }
        // Headline blocks in a review of past years state achievements ("主要指标是：…完成").
        let excluded = root.children.filter { $0.zone == .review || $0.zone == .glossary || $0.zone == .fiveYear }
        headlineRanges.removeAll { r in
            excluded.contains {
                $0.titleRange.lowerBound <= r.lowerBound && r.lowerBound < max($0.end, $0.titleRange.upperBound)
            }
        }
        number()
    }

    /// A top-level part the outline does not number: an annex, a glossary, a part named on a plain line. Keyed
    /// `.root`, so that numbered heads after it nest under it and no numbered head closes it.
    func openPart(_ title: Range<Int>, line: Int, zone: Zone, rule: HeadingRule, reason: ZoneReason) -> Node {
        let node = Node(titleRange: title, number: nil, key: .root, line: line)
        node.zone = zone
        node.rule = rule
        node.zoneReason = reason
        root.children.append(node)
        node.parent = root
        return node
    }

    static let offices = WordList(["人民政府", "政府", "办公室", "委员会", "办事处", "管委会"])

    /// 鹤泉镇人民政府 / 2024年1月10日 on a line of their own.
    func isSignature(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Bool {
        guard r.count <= 24 else { return false }
        if Structure.offices.match(c, endingAt: r.upperBound, from: r.lowerBound) != nil,
            !r.contains(where: { Scalars.isClauseEnd(c[$0]) || Scalars.isSentenceEnd(c[$0]) })
        {
            return true
        }
        // A date alone.
        if Cleaner.findDate(c, r) != nil && r.count <= 12 { return true }
        return false
    }

    static let labelOpenings = WordList(["全年", "今年", "年度", "经济社会发展", "全区", "全县", "全市", "全镇"])

    /// A line that is only the label of the headline targets: 主要目标, 2024年主要预期目标, 主要指标如下.
    func headlineLabel(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Int? {
        guard r.count <= 20, let (p, m) = Structure.headline.firstMatch(c, in: r) else { return nil }
        var end = p + Structure.headline.words[m].count
        if let i = Structure.introducers.match(c, at: end, limit: r.upperBound) {
            end += Structure.introducers.words[i].count
        }
        while end < r.upperBound && (Scalars.isTerminal(c[end]) || Scalars.isSpace(c[end])) { end += 1 }
        guard end == r.upperBound else { return nil }
        // What stands before the words: nothing, a numbering, a year, or a word of scope.
        var s = r.lowerBound
        if let n = Numbering.at(c, s, end: r.upperBound) { s += n.length }
        while s < p {
            if Scalars.isDigit(c[s]) || c[s] == "年" || c[s] == "度" || Scalars.isSpace(c[s]) {
                s += 1
            } else if let w = Structure.labelOpenings.match(c, at: s, limit: p) {
                s += Structure.labelOpenings.words[w].count
            } else {
                return nil
            }
        }
        return p
    }

    static let announcers = WordList(["以下", "如下", "上述", "我们将", "我们要"])
    static let introducers = WordList(["是", "为", "：", ":", "如下", "分别是", "主要是"])

    /// Where a headline-target block starts: 主要预期目标是：…, 主要指标如下：; not 主要指标好于预期.
    func headlineIntro(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Int? {
        var from = r.lowerBound
        while let (p, m) = Structure.headline.firstMatch(c, in: from..<r.upperBound) {
            let end = p + Structure.headline.words[m].count
            if Structure.introducers.match(c, at: end, limit: r.upperBound) != nil { return p }
            // A word or two before the introducer: 主要预期目标建议为：, 主要目标拟定为：.
            for gap in 1...2
            where end + gap < r.upperBound && (end..<(end + gap)).allSatisfy({ Scalars.isHan(c[$0]) })
                && (c[end + gap] == "为" || c[end + gap] == "：" || c[end + gap] == ":")
            {
                return p
            }
            // A second kind of indicator joined on: 主要预期目标和约束指标是：.
            if end < r.upperBound, c[end] == "和" || c[end] == "及" || c[end] == "、" {
                var k = end + 1
                while k < min(r.upperBound, end + 8) && !Scalars.isClauseEnd(c[k])
                    && Structure.introducers.match(c, at: k, limit: r.upperBound) == nil
                {
                    k += 1
                }
                if k < r.upperBound, k > end + 2, c[k - 1] == "标",
                    Structure.introducers.match(c, at: k, limit: r.upperBound) != nil
                {
                    return p
                }
            }
            from = end
        }
        return nil
    }

    struct Heading {
        var title: Range<Int>
        var number: String?
        var key: Key
        var rest: Range<Int>?
        var rule: HeadingRule
    }

    /// Whether a line is a heading, and of what kind.
    func classify(_ c: [Unicode.Scalar], _ line: CleanText.Line, inSection: Bool, previousWasHeading: Bool)
        -> Heading?
    {
        let r = line.range
        if let level = line.headingLevel {
            let numbering = Numbering.at(c, r.lowerBound, end: r.upperBound)
            let start = r.lowerBound + (numbering?.length ?? 0)
            return Heading(
                title: trimmedTitle(c, start..<r.upperBound), number: numbering?.number(in: c), key: .markup(level),
                rule: .markup(level))
        }
        if let numbering = Numbering.at(c, r.lowerBound, end: r.upperBound) {
            let start = r.lowerBound + numbering.length
            let text = start..<r.upperBound
            // A short numbered line is a heading; a numbered paragraph leads with its heading sentence.
            if text.count <= 40 && !hasInnerSentenceEnd(c, text) {
                return Heading(
                    title: trimmedTitle(c, text), number: numbering.number(in: c), key: .numbered(numbering.style),
                    rule: .numberedLine)
            }
            // A bold line is a heading, one sentence or more.
            if line.bold && text.count <= 120 {
                return Heading(
                    title: trimmedTitle(c, text), number: numbering.number(in: c), key: .numbered(numbering.style),
                    rule: .numberedBold)
            }
            // A bold run-in heading is all of its bold words.
            if line.boldLead, let end = line.boldEnd, end > start + 1, end < r.upperBound, end - start <= 120,
                Scalars.isSentenceEnd(c[end - 1]) || c[end - 1] == "："
            {
                return Heading(
                    title: trimmedTitle(c, start..<end), number: numbering.number(in: c),
                    key: .numbered(numbering.style),
                    rest: end..<r.upperBound, rule: .numberedBoldLead)
            }
            if let lead = leadSentence(c, text), lead.count <= 40 {
                return Heading(
                    title: lead, number: numbering.number(in: c), key: .numbered(numbering.style),
                    rest: lead.upperBound..<r.upperBound, rule: .numberedLead)
            }
            // A long numbered item without a lead: the item is its own heading and body.
            return Heading(
                title: firstClause(c, text), number: numbering.number(in: c), key: .numbered(numbering.style),
                rest: text, rule: .numberedItem)
        }
        // A paragraph that opens with a count and a lead sentence: "一是做强做优实体经济，积极构建现代化产业体系。…".
        // Only when the count goes on in later paragraphs: "一是…。二是…。" in one paragraph is a list of tasks.
        if inSection, !line.item, let o = Structure.ordinal(c, r),
            let lead = leadSentence(c, (r.lowerBound + o.length)..<r.upperBound), lead.count <= 40,
            c[lead.upperBound - 1] == "。",
            !(lead.upperBound..<r.upperBound).contains(where: { k in
                (c[k - 1] == "。" || c[k - 1] == "；") && Structure.ordinal(c, k..<r.upperBound) != nil
            })
        {
            return Heading(
                title: lead, number: c.string(r.lowerBound..<(r.lowerBound + o.length)), key: .numbered(.counted),
                rest: lead.upperBound..<r.upperBound, rule: .counted)
        }
        if line.bold && inSection {
            return Heading(title: trimmedTitle(c, r), number: nil, key: .bare, rule: .boldLine)
        }
        // A bold run-in lead sentence opens a sub-head: <strong>做强先进制造业。</strong>….
        if line.boldLead && inSection, let lead = leadSentence(c, r), lead.count <= 30 {
            return Heading(title: lead, number: nil, key: .bare, rest: lead.upperBound..<r.upperBound, rule: .boldLead)
        }
        // An unnumbered sub-head on its own line: short, one sentence at most, no figures.
        // Table rows and list items are content, never heads.
        if inSection && !line.item && isBareHeading(c, r) {
            return Heading(title: r, number: nil, key: .bare, rule: .bareLine)
        }
        return nil
    }

    /// A short unnumbered line that names a year and a part of a report: its review or the year's work.
    func isPartLine(_ c: [Unicode.Scalar], _ line: CleanText.Line) -> Bool {
        let r = line.range
        guard !line.item, line.headingLevel == nil, r.count >= 6, r.count <= 20,
            Numbering.at(c, r.lowerBound, end: r.upperBound) == nil,
            !r.contains(where: { Scalars.isClauseEnd(c[$0]) || Scalars.isSentenceEnd(c[$0]) || c[$0] == "：" }),
            Structure.review.contains(in: c, r) || Structure.planW.contains(in: c, r)
        else { return false }
        // The year: four digits and 年, the only figure of the line.
        let digits = r.filter { Scalars.isDigit(c[$0]) }
        guard digits.count == 4, let first = digits.first, digits.last == first + 3, first + 4 < r.upperBound,
            c[first + 4] == "年"
        else { return false }
        return true
    }

    func isBareHeading(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Bool {
        guard r.count >= 2, r.count <= 30 else { return false }
        let last = c[r.upperBound - 1]
        if last == "：" || last == ":" || last == "；" || last == ";" || last == "，" || last == "," || last == "、" {
            return false
        }
        if hasInnerSentenceEnd(c, r) { return false }
        // "围绕上述目标，抓好以下六个方面的工作。" announces the heads; it is not one, nor is an address to the deputies.
        if Structure.announcers.contains(in: c, r) || Structure.closing.match(c, at: r.lowerBound) != nil {
            return false
        }
        var commas = 0
        for k in r {
            if Scalars.isDigit(c[k]) { return false }
            if c[k] == "，" || c[k] == "," { commas += 1 }
        }
        return commas <= 1
    }

    func hasInnerSentenceEnd(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Bool {
        guard r.count > 1 else { return false }
        for k in r.lowerBound..<(r.upperBound - 1)
        where Scalars.isSentenceEnd(c[k]) || c[k] == "：" || c[k] == ":" {
            // "。”" at the end is still one sentence.
            if k == r.upperBound - 2 && Scalars.isCloseQuote(c[r.upperBound - 1]) { continue }
            return true
        }
        return false
    }

    /// The first sentence of a paragraph, its 。 included.
    func leadSentence(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Range<Int>? {
        var k = r.lowerBound
        while k < r.upperBound {
            if c[k] == "。" || c[k] == "：" || c[k] == ":" || c[k] == "；" || c[k] == "！" {
                return r.lowerBound..<(k + 1)
            }
            k += 1
        }
        return nil
    }

    func firstClause(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Range<Int> {
        var k = r.lowerBound
        while k < r.upperBound && !Scalars.isClauseEnd(c[k]) { k += 1 }
        return r.lowerBound..<k
    }

    func trimmedTitle(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Range<Int> {
        var s = r.lowerBound
        var e = r.upperBound
        while s < e && (Scalars.isSpace(c[s]) || c[s] == "：" || c[s] == ":") { s += 1 }
        while e > s && (Scalars.isSpace(c[e - 1]) || c[e - 1] == "：" || c[e - 1] == ":") { e -= 1 }
        return s..<e
    }

    /// Puts a heading in the tree. Numbered and marked headings nest by style: a style already open
    /// closes back to it (a sibling), a new style opens a level (a child), whatever rank it has, so
    /// skipped ranks and restarted numbering both work. Unnumbered sub-heads nest under the heading
    /// right before them; after body text, they are siblings of the open sub-head they resemble most.
    func place(_ node: Node, in stack: inout [Node], previousWasHeading: Bool, partKey: Key?, _ c: [Unicode.Scalar]) {
        switch node.key {
        case .markup(let level):
            while let top = stack.last, top !== root {
                if case .markup(let l) = top.key, l < level { break }
                stack.removeLast()
            }
        case .numbered:
            if let at = stack.lastIndex(where: { $0.key == node.key }) {
                stack.removeSubrange(at...)
            } else if partKey == node.key {
                // A numbering the document's parts use stays a part, even when the stack was reset in between
                // (an address to the deputies mid-report, then 三、2021年主要目标和重点任务).
                stack = [root]
            } else {
                // Unnumbered sub-heads are the lowest rank: a numbered head closes them.
                while let top = stack.last, top.key == .bare { stack.removeLast() }
            }
        case .bare:
            if !previousWasHeading {
                let bareLevels = stack.indices.filter { stack[$0].key == .bare }
                if bareLevels.count == 1 {
                    stack.removeSubrange(bareLevels[0]...)
                } else if bareLevels.count > 1 {
                    var best = bareLevels[0]
                    var bestScore = -1
                    for i in bareLevels {
                        let s = similarity(c, stack[i].titleRange, node.titleRange)
                        if s > bestScore {
                            best = i
                            bestScore = s
                        }
                    }
                    stack.removeSubrange(best...)
                }
            }
        case .root:
            break
        }
        let parent = stack.last!
        parent.children.append(node)
        node.parent = parent
        stack.append(node)
    }

    /// How alike two sub-heads are: parallel heads share their opening word, their clause shape and length.
    func similarity(_ c: [Unicode.Scalar], _ a: Range<Int>, _ b: Range<Int>) -> Int {
        var score = 0
        if c[a.lowerBound] == c[b.lowerBound] { score += 2 }
        let ca = a.contains { c[$0] == "，" || c[$0] == "," }
        let cb = b.contains { c[$0] == "，" || c[$0] == "," }
        if ca == cb { score += 1 }
        let ratio = Double(a.count) / Double(max(1, b.count))
        if ratio > 0.6 && ratio < 1.6 { score += 1 }
        return score
    }

    /// A short unnumbered line taken for a sub-head that heads nothing — the last line of a section, the next
    /// heading straight after it ("加强工业经济运行监测分析，做好煤电油运的组织协调。" closing an area) — is
    /// the section's text.
    func demoteEmptyBareHeads(_ node: Node) {
        for child in node.children { demoteEmptyBareHeads(child) }
        guard let last = node.children.last, last.rule == .bareLine, last.children.isEmpty, last.body.isEmpty else {
            return
        }
        node.children.removeLast()
        node.body.append(last.titleRange)
        node.end = max(node.end, last.titleRange.upperBound)
    }

    /// Paragraphs that open with a short lead sentence, in parallel, are sub-heads run into their text
    /// ("立足项目集聚，深入推进产业招商。坚持以…"): a section with no heads of its own whose paragraphs mostly
    /// open that way gets one sub-head per such paragraph.
    func promoteRunInLeads(_ node: Node, _ c: [Unicode.Scalar]) {
        for child in node.children { promoteRunInLeads(child, c) }
        guard node !== root, node.parent !== root || !areas.isEmpty, node.children.isEmpty, node.body.count >= 2,
            node.zone != .annex
        else { return }
        var leads: [Int: Range<Int>] = [:]
        for (i, r) in node.body.enumerated() {
            guard let lead = leadSentence(c, r), lead.count >= 4, lead.count <= 28, lead.upperBound < r.upperBound,
                c[lead.upperBound - 1] == "。"
                    // 重点抓好十大基础设施项目：（1）…: a lead that opens a numbered list, its colon left out.
                    || (c[lead.upperBound - 1] == "：" && Numbering.at(c, lead.upperBound, end: r.upperBound) != nil),
                !lead.contains(where: { Scalars.isDigit(c[$0]) }),
                !Structure.announcers.contains(in: c, lead),
                // Not an address (各位代表，…), a dash list of goals (——着力…), or a statement (今年是…的关键一年).
                Structure.closing.match(c, at: lead.lowerBound) == nil, c[lead.lowerBound] != "—",
                Structure.ordinal(c, r) != nil || !lead.contains(where: { c[$0] == "是" })
            else { continue }
            var title = c[lead.upperBound - 1] == "：" ? lead.lowerBound..<(lead.upperBound - 1) : lead
            // 第一，进一步简政放权。: the count is not part of the title.
            if let o = Structure.ordinal(c, r), o.length < title.count - 2 {
                title = (title.lowerBound + o.length)..<title.upperBound
            }
            leads[i] = title
        }
        guard leads.count >= 2, leads.count * 3 >= node.body.count * 2 else { return }
        // Parallel: alike in shape to one of them (the first may be the odd one out). The first few serve as
        // references: the shape shows among them, and thousands of paragraphs cost a few passes, not one a pair.
        let ordered = leads.keys.sorted()
        let parallel = ordered.prefix(8).map { ref in
            ordered.filter { similarity(c, leads[ref]!, leads[$0]!) >= 2 }.count
        }.max()!
        guard parallel * 3 >= ordered.count * 2 else { return }
        var kept: [Range<Int>] = []
        var current: Node?
        for (i, r) in node.body.enumerated() {
            if let lead = leads[i] {
                let child = Node(titleRange: lead, number: nil, key: .bare, line: node.line)
                child.zone = node.zone
                child.rule = .runInLead
                child.parent = node
                let bodyStart = c[lead.upperBound] == "：" ? lead.upperBound + 1 : lead.upperBound
                child.body = [bodyStart..<r.upperBound]
                child.end = r.upperBound
                node.children.append(child)
                current = child
            } else if let current {
                current.body.append(r)
                current.end = r.upperBound
            } else {
                kept.append(r)
            }
        }
        node.body = kept
    }

    /// A short sentence that may lead a theme inside running text: 5–18 characters with its 。, no comma,
    /// list mark, colon or figure — a heading's shape, not a clause's.
    func isInlineLead(_ c: [Unicode.Scalar], _ s: Range<Int>) -> Bool {
        // Or a lead that opens a numbered list: 重点抓好十大生态环保项目：（1）….
        let opensList =
            c[s.upperBound - 1] == "：" && Numbering.at(c, s.upperBound, end: min(c.count, s.upperBound + 8)) != nil
        guard s.count >= 5, s.count <= 18, c[s.upperBound - 1] == "。" || c[s.upperBound - 1] == "！" || opensList
        else { return false }
        for k in s.lowerBound..<(s.upperBound - 1) {
            let x = c[k]
            // A lead names work to do; "保增长是今年的首要任务。" states something.
            if Scalars.isDigit(x) || Scalars.isClauseEnd(x) || x == "、" || x == "：" || x == ":" || x == "；" || x == "是"
            {
                return false
            }
        }
        return !Structure.announcers.contains(in: c, s)
    }

    /// Themes run into one long paragraph (a scrape that lost the bold and the paragraph breaks):
    /// "提升高端制造水平。开展…。精心培育新兴产业。…". An area without heads whose text holds several short
    /// heading-shaped sentences, each followed by its own account, gets one theme per such sentence: when its
    /// text opens with one, or when most of them open alike (力促…化。 ×7). A lead followed straight by
    /// another is a remark, not a theme.
    /// A lead inside running text: the whole sentence (where the text is split) and the theme's title (without
    /// a count before it or a colon after it).
    struct InlineLead {
        var sentence: Range<Int>
        var title: Range<Int>
    }

    func inlineLeads(_ node: Node, _ c: [Unicode.Scalar]) -> [InlineLead]? {
        guard node.children.isEmpty, !node.body.isEmpty else { return nil }
        var sentences: [Range<Int>] = []
        for r in node.body {
            var s = r.lowerBound
            for k in r
            where c[k] == "。" || c[k] == "！" || c[k] == "？"
                || (c[k] == "：" && Numbering.at(c, k + 1, end: r.upperBound) != nil)
            {
                var e = k + 1
                while e < r.upperBound && Scalars.isCloseQuote(c[e]) { e += 1 }
                if e > s { sentences.append(s..<e) }
                s = e
            }
            if s < r.upperBound { sentences.append(s..<r.upperBound) }
        }
        let total = node.body.reduce(0) { $0 + $1.count }
        guard sentences.count >= 4, total >= 200 else { return nil }
        // "一是加快制订新农村建设规划。二是…": counted leads, the count set apart from the title.
        let ordinals = sentences.map { Structure.ordinal(c, $0) }
        // The run counted from one: 一是, 二是 … or （1）, （2） …; a list further on that counts again is not it.
        var counted: [Int] = []
        for i in sentences.indices where ordinals[i]?.value == counted.count + 1 { counted.append(i) }
        // The count marks the lead, so it may hold a comma; still a heading's length, without figures.
        let countedLeadsFit = counted.allSatisfy { i in
            let lead = (sentences[i].lowerBound + ordinals[i]!.length)..<sentences[i].upperBound
            return lead.count >= 4 && lead.count <= 30 && !lead.contains { Scalars.isDigit(c[$0]) }
                && (c[lead.upperBound - 1] == "。" || c[lead.upperBound - 1] == "！")
        }
        // Counted items with accounts of a line or two are the tasks of a short plan, not its themes.
        if counted.count >= 2, countedLeadsFit,
            (node.body.last!.upperBound - sentences[counted[0]].lowerBound) / counted.count >= 80
        {
            return counted.map {
                InlineLead(
                    sentence: sentences[$0],
                    title: (sentences[$0].lowerBound + ordinals[$0]!.length)..<sentences[$0].upperBound)
            }
        }
        var leads = sentences.indices.filter { ordinals[$0] == nil && isInlineLead(c, sentences[$0]) }
        // A lead needs an account of its own before the next lead.
        leads = leads.enumerated().filter { n, i in
            let next = n + 1 < leads.count ? sentences[leads[n + 1]].lowerBound : node.body.last!.upperBound
            return next - sentences[i].upperBound >= 30
        }.map(\.1)
        guard leads.count >= 2 else { return nil }
        var groups: [String: [Int]] = [:]
        for i in leads {
            groups[c.string(sentences[i].lowerBound..<(sentences[i].lowerBound + 2)), default: []].append(i)
        }
        if let alike = groups.values.max(by: { $0.count < $1.count }), alike.count >= 3, alike.count * 2 >= leads.count
        {
            leads = alike.sorted()
        } else if leads.first != 0 {
            return nil
        }
        // Themes have accounts of some length, on average.
        let covered = node.body.last!.upperBound - sentences[leads[0]].lowerBound
        guard covered / leads.count >= 60 else { return nil }
        return leads.map {
            let s = sentences[$0]
            return InlineLead(sentence: s, title: c[s.upperBound - 1] == "：" ? s.lowerBound..<(s.upperBound - 1) : s)
        }
    }

    /// The count that opens a sentence of a list run into the text: 一是, 二是 … 十是 (value, length).
    static func ordinal(_ c: [Unicode.Scalar], _ r: Range<Int>) -> (value: Int, length: Int)? {
        guard r.count > 3 else { return nil }
        let first = c[r.lowerBound]
        if let d = Structure.numerals.firstIndex(of: first), c[r.lowerBound + 1] == "是" { return (d + 1, 2) }
        if first == "十" {
            if c[r.lowerBound + 1] == "是" { return (10, 2) }
            if let d = Structure.numerals.firstIndex(of: c[r.lowerBound + 1]), c[r.lowerBound + 2] == "是" {
                return (11 + d, 3)
            }
        }
        // 第一，第二、… 第十，第十一，: a count in words.
        if first == "第" {
            var k = r.lowerBound + 1
            var value = 0
            if c[k] == "十" {
                value = 10
                k += 1
            }
            if k < r.upperBound, let d = Structure.numerals.firstIndex(of: c[k]) {
                value += d + 1
                k += 1
            }
            let separators: Set<Unicode.Scalar> = ["，", "、", ","]
            if value > 0, k < r.upperBound, separators.contains(c[k]) { return (value, k + 1 - r.lowerBound) }
        }
        // （1） inside a paragraph: 1–20 in digits.
        if first == "（" || first == "(" {
            var k = r.lowerBound + 1
            var value = 0
            while k < r.upperBound, k < r.lowerBound + 3, Scalars.isDigit(c[k]), c[k].isASCII {
                value = value * 10 + Int(c[k].value - 48)
                k += 1
            }
            if k > r.lowerBound + 1, k < r.upperBound, c[k] == "）" || c[k] == ")", (1...20).contains(value) {
                return (value, k + 1 - r.lowerBound)
            }
        }
        return nil
    }

    static let numerals: [Unicode.Scalar] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"]

    /// Splits a head-less area's text at its inline leads: each becomes a theme with the text up to the next.
    func promote(_ node: Node, leads: [InlineLead]) {
        var kept: [Range<Int>] = []
        var current: Node?
        var next = 0
        for r in node.body {
            var k = r.lowerBound
            while k < r.upperBound {
                if next < leads.count, leads[next].sentence.lowerBound >= k,
                    leads[next].sentence.lowerBound < r.upperBound
                {
                    // The text splits where the lead's sentence starts; a count before its title (一是) belongs
                    // to neither side.
                    let lead = leads[next]
                    if lead.sentence.lowerBound > k {
                        let before = k..<lead.sentence.lowerBound
                        if let current { current.body.append(before) } else { kept.append(before) }
                    }
                    let child = Node(titleRange: lead.title, number: nil, key: .bare, line: node.line)
                    child.zone = node.zone
                    child.rule = lead.title.lowerBound > lead.sentence.lowerBound ? .countedInline : .inlineLead
                    child.parent = node
                    child.end = lead.sentence.upperBound
                    node.children.append(child)
                    current = child
                    k = lead.sentence.upperBound
                    next += 1
                } else {
                    if let current {
                        current.body.append(k..<r.upperBound)
                        current.end = r.upperBound
                    } else {
                        kept.append(k..<r.upperBound)
                    }
                    k = r.upperBound
                }
            }
        }
        for child in node.children where child.body.last.map({ $0.upperBound > child.end }) ?? false {
            child.end = child.body.last!.upperBound
        }
        node.body = kept
    }

    /// Decides which top-level part is the plan, and what the areas are.
    mutating func assignZones(_ c: [Unicode.Scalar], planYear: Int?) {
        let tops = root.children
        // Words that name the plan year: the year itself, this or the coming year, and "X之年" (开局之年,
        // 攻坚之年): a report names the year it plans for by what kind of year it is.
        let yearWords: [[Unicode.Scalar]] =
            (planYear.map { ["\($0)年".scalars] } ?? []) + ["今年".scalars, "明年".scalars, "新的一年".scalars, "之年".scalars]
        var hasReview = false
        for node in tops where node.zone != .annex && node.zone != .glossary {
            let r = node.titleRange
            if Structure.review.contains(in: c, r) || Structure.namesEarlierYear(c, r, than: planYear) {
                // A part about an earlier year than the plan's ("2013年主要工作" in the 2014 report) is the review.
                node.zone = .review
                node.zoneReason = Structure.review.contains(in: c, r) ? .reviewWords : .earlierYear
                hasReview = true
            } else if Structure.conduct.contains(in: c, r) && !Structure.planW.contains(in: c, r) {
                // Only a work report sets its own conduct apart; in a plan it is an area (decided below).
                node.zone = .conduct
                node.zoneReason = .conduct
            } else if Structure.fiveYear.contains(in: c, r) && !yearWords.contains(where: { c.contains($0, in: r) }) {
                node.zone = .fiveYear
                node.zoneReason = .fiveYear
            } else if Structure.planW.contains(in: c, r) || yearWords.contains(where: { c.contains($0, in: r) }) {
                // Of two parts about the plan year with heads of their own (总体部署 with a few lines each,
                // then 重点工作任务 with the work), the areas are the heads of the larger.
                if !node.children.isEmpty,
                    planPart.map({ node.end - node.titleRange.lowerBound > $0.end - $0.titleRange.lowerBound }) ?? true
                {
                    planPart = node
                }
                if planStart == nil { planStart = node }
                node.zoneReason = .planWords
            } else if planStart == nil && hasReview && node.children.isEmpty
                && headlineRanges.contains(where: {
                    $0.lowerBound >= r.lowerBound && $0.lowerBound < max(node.end, r.upperBound)
                })
            {
                // After the review, a part without heads that holds the year's headline targets opens the plan
                // section, whatever its heading says ("新的要求新的形势新的目标").
                planStart = node
                node.zoneReason = .headlineAfterReview
            }
        }
        // The section starts at the first part about the plan year only when it runs straight into the
        // part with the areas; otherwise the plan part itself starts it.
        if let start = planStart, let part = planPart, start !== part,
            let i = tops.firstIndex(where: { $0 === start }), let j = tops.firstIndex(where: { $0 === part }), i < j,
            tops[i..<j].allSatisfy({ $0.children.isEmpty || $0 === start })
        {
            planStart = start
            planStartWords =
                "说计划年的第一个部分，直接接着载有领域的部分 (the first part about the plan year, running straight into the part with the areas)"
        } else if planPart != nil {
            planStart = planPart
            planStartWords =
                "说计划年且有小标题的部分中最大的一个 (the largest part about the plan year with heads of its own)"
        } else if let start = planStart, !hasReview || start.zone == .plan {
            // No part with heads of its own: the plan-year part starts the section and the parts after it
            // are its areas (关于2014年政府工作总体安排, then 关于全面深化经济体制改革 …).
            planStart = start
            planStartWords =
                start.zoneReason == .headlineAfterReview
                ? "回顾之后载有主要预期目标的部分 (the part after the review holding the headline targets)"
                : "说计划年的部分，其后各部分是领域 (the part about the plan year; the parts after it are its areas)"
        } else {
            planStart = nil
        }
        if planPart != nil || hasReview {
            if let part = planPart {
                part.zone = .plan
                areas = part.children
                for node in tops where node !== part && node.zone == .plan { node.zone = .other }
            } else {
                areas = tops.filter { $0.zone == .plan }
            }
            // The conduct part of a report is not among the plan year's areas; its promises are
            // still targets (办结率100%), outside any area.
        } else {
            for node in tops where node.zone == .conduct { node.zone = .plan }
            areas = tops.filter { $0.zone == .plan }
        }
        // An annex that lists nothing ("附件：重点项目清单（略）") is left out.
        areas += tops.filter { $0.zone == .annex && !($0.body.isEmpty && $0.children.isEmpty) }
        // Zones flow down the tree.
        func flow(_ n: Node, _ zone: Zone) {
            for child in n.children {
                if child.zone != .annex { child.zone = zone }
                flow(child, child.zone)
            }
        }
        for top in tops { flow(top, top.zone) }
    }

    /// Whether a heading names a year (2013年) before the plan year, and none at or after it.
    static func namesEarlierYear(_ c: [Unicode.Scalar], _ r: Range<Int>, than planYear: Int?) -> Bool {
        guard let planYear else { return false }
        var earlier = false
        var k = r.lowerBound
        while k + 4 < r.upperBound {
            if (k == r.lowerBound || !Scalars.isDigit(c[k - 1])) && (k..<k + 4).allSatisfy({ Scalars.isDigit(c[$0]) })
                && c[k + 4] == "年"
            {
                let y = (k..<k + 4).reduce(0) { $0 * 10 + Int(c[$1].value - 48) }
                if y >= planYear { return false }
                if y >= 1949 { earlier = true }
                k += 5
                continue
            }
            k += 1
        }
        return earlier
    }

    /// Ids in the document's order: "1", "1.2", "1.2.1".
    func number() {
        func walk(_ nodes: [Node], _ prefix: String, _ level: Int) {
            for (i, n) in nodes.enumerated() {
                n.id = prefix.isEmpty ? "\(i + 1)" : "\(prefix).\(i + 1)"
                n.level = level
                walk(n.children, n.id, level + 1)
            }
        }
        walk(areas, "", 1)
    }

    /// The government's own conduct part of a work report, with everything under it.
    func conductNodes() -> [Node] {
        var out: [Node] = []
        func walk(_ n: Node) {
            out.append(n)
            n.children.forEach(walk)
        }
        root.children.filter { $0.zone == .conduct }.forEach(walk)
        return out
    }

    /// Every node under the areas, depth first.
    func allAreaNodes() -> [Node] {
        var out: [Node] = []
        func walk(_ n: Node) {
            out.append(n)
            n.children.forEach(walk)
        }
        areas.forEach(walk)
        return out
    }
}
