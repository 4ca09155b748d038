import LuoshiCore

/// From quantities to targets: which quantities are promises, and what each promises.
///
/// The rules, each with a test in `LexiconRuleTests`:
/// - a number is a target only with a unit (or 万/亿 after a money word, or a percentage);
/// - years, dates, ages, ranks (500强), grades (二级), document numbers (93号), ordinals (第一),
///   meeting names (九次全会), codes (PM2.5, 5G), names and slogans in short quotes (“十二五”, “三不”)
///   are not targets;
/// - 一 with a measure word is a target only after a verb of doing or in a frequency (每季度至少开展一次);
/// - a count right after a quoted name counts the name's parts (“三区一民生”四项重点工作), not a target;
/// - a baseline (从77%提高到80%, 由X增加到Y, 比2014年的X增加到Y) is not a target, the figure it rises to is,
///   and carries it as its `baseline` when the units agree (also 现有X，年内达到Y);
/// - places that frame a clause (在6个村, 全县现有18个乡镇) are its scope, unless the clause promises
///   to cover them (全镇10个村…全覆盖).
struct TargetBuilder {
    let c: [Unicode.Scalar]
    let planYear: Int?

    static let levelVerbs = WordList(Lexicon.levelVerbs)
    static let actionVerbs = WordList(Lexicon.actionVerbs)
    static let noise = WordList(Lexicon.leadingNoise)
    static let attributes = WordList(Lexicon.projectAttributes.map(\.0))
    static let fixedTerms = WordList(Lexicon.fixedTerms)
    static let structuralNouns = WordList([
        "方面", "部分", "层面", "环节", "原则", "理念", "意识", "自信", "维护", "全面", "一体", "结合", "代表", "统筹",
        "坚持", "确保", "中心", "基本点", "攻坚战", "全会", "会议", "规定", "禁令", "要求", "民生实事", "实事", "件实事",
        "项实事",
        "党代会", "代表大会",
    ])
    /// Words a subject does not end with: 为, 达, 均, 分别, 比上年, a list's joining word, 在, a modal (要) or a verb
    /// of doing with no object (实现, 完成: 第三产业实现增加值, 实际投资完成200亿元).
    static let trailing = WordList([
        "均", "为", "达", "共", "计", "总数", "数量", "分别", "比上年", "比去年", "同比", "年均", "以及", "和", "及", "与", "在",
        "要", "同时", "实现", "完成", "累计", "力争", "确保", "争取", "实际", "率先",
    ])
    /// The verbs of two characters or more that lead into a clause's object (推动, 加快推进, 发展).
    static let pushVerbs = WordList(Lexicon.leadVerbs.filter { $0.unicodeScalars.count >= 2 })
    /// Measures that end a list's last item and so each item: 排放量, 增加值, 覆盖率.
    static let measureEndings = WordList([
        "排放量", "排放总量", "增加值", "产值", "产量", "收入", "覆盖率", "利用率", "处理率", "达标率", "普及率", "参保率",
        "面积", "总量",
    ])
    /// A verb's complement of one character, never what is counted: 组织好20个…, 建成了.
    static let complements: Set<String> = ["好", "了", "完", "成", "到", "出", "起", "上"]
    /// Verbs that say what money is for: 实施, 用于, 支持, 设立.
    static let purposeVerbs = WordList(["继续实施", "实施", "用于", "支持", "设立", "完善", "补助", "资助", "启动"])
    /// Subjects that name money raised, whose purpose the next clause says.
    static let fundWords: Set<String> = ["资金", "筹措资金", "筹集资金", "安排资金", "投入资金", "财政资金"]
    /// Measure nouns that a verb before them belongs to: 造林面积, 建设规模, 培训人数.
    static let measureNouns: Set<String> = ["面积", "长度", "里程", "规模", "总量", "人数", "户数", "产值", "能力"]
    /// Ranks and sizes that a list's items may state alone (10个省级、20个市级重点村).
    static let ranks = WordList([
        "国家级", "省级", "市级", "县级", "区级", "乡级", "镇级", "村级", "省级以上", "市级以上", "国家", "大型", "中型", "小型",
        "中小型",
    ])
    /// Verbs of work on what exists: what they count is the work done (改造老旧小区27个).
    static let workOnExisting: Set<String> = [
        "改造", "改建", "新改建", "改扩建", "扩建", "新开工", "续建", "培训", "转移", "整治", "治理", "修复", "疏浚",
        "招引", "引进", "安置", "扶持", "帮扶", "接待", "植树", "种植", "更新", "拆除", "关闭", "淘汰",
    ]
    /// Flows that a plan counts as new in a year, named with 新增: 城镇新增就业, 新增贷款, 新增运营里程.
    static let flows = WordList(["就业", "贷款", "存款", "装机", "装机容量", "产能", "里程", "用地", "融资", "授信"])
    /// Whether a verb tells apart two counts of one thing (开工, 建成), not a level (增长, 达到) or a mere reach
    /// (完成, 实现).
    static func distinguishing(_ verb: String) -> Bool {
        TargetBuilder.actionVerbs.words.contains(verb.scalars) && !TargetBuilder.levelVerbs.words.contains(verb.scalars)
            && !lightVerbs.contains(verb)
    }

    /// Measure words of things counted one by one.
    static let countUnits: Set<String> = ["个", "项", "家", "件", "座", "所", "处", "条", "批", "户"]
    /// Verbs of doing that only say a figure is reached or done, and name nothing counted.
    static let lightVerbs: Set<String> = ["完成", "实现", "达标", "办结", "提供", "开展", "组织", "落实", "解决", "惠及"]
    /// Characters after a verb of change that make it part of a noun: 增加值, 增长点, 人口自然增长率.
    static let nounEndings: Set<Unicode.Scalar> = ["值", "点", "极", "率"]
    /// What follows the noun after a measure word and is not part of it: 高标准全覆盖, 入驻园区.
    static let afterNoun = WordList(["高标准", "全覆盖", "覆盖", "以上", "左右", "建设", "投产", "开工", "竣工", "达到", "实现", "入驻"])
    /// A list's joining words.
    static let joiners = WordList(["以及", "和", "及", "与", "并"])
    /// Measures that end a subject naming a share of something: 覆盖率, 比例, 比重, 占比.
    static let rates = WordList(["率", "比例", "比重", "占比"])
    static let placeNouns = WordList(["村", "社区", "乡镇", "镇", "街道", "乡", "县", "市", "区", "行政村", "自然村"])
    static let existing = WordList(["现有", "共有", "拥有", "下辖", "辖", "已有", "全镇共", "全县共"])
    /// Verbs that take a figure from a starting point to a level (从77%提高到80%) or by an amount (由45%提高3个百分点).
    static let rises = WordList([
        "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增长到", "增长至", "增至", "降低到", "降低至", "下降到",
        "下降至", "降至", "减少到", "减少至", "扩大到", "扩大至", "上升到", "上升至", "升至", "压缩到", "压缩至", "缩短到",
        "缩短至", "压减到", "压减至", "达到", "提高", "提升", "增加", "增长", "降低", "下降", "减少", "扩大", "上升", "压缩",
        "缩短", "压减",
    ])
    /// Words that may stand between a baseline and its verb: 由45%逐步提高到50%.
    static let riseAdverbs = WordList(["逐步", "进一步", "稳步", "分别", "再"])
    /// Time words between 从/由/比 and a baseline figure: 比上年的, 由目前的, 从2014年底的.
    static let baselineTimes = WordList(["上一年", "上年度", "上年", "去年", "目前", "现在", "当前", "现有", "年初", "今年初"])
    /// What states a current level before a target in the next clause: 全镇现有家庭农场45家，年内达到60家.
    static let currentLevel = WordList(["现有", "目前有", "已有", "共有"])
    static let periods = WordList(["半年", "半月", "季度", "年度", "月", "年", "周", "季", "旬", "天", "日", "学期"])
    static let coverage = WordList(["全覆盖", "覆盖"])
    static let frequencyUnits: Set<String> = ["次", "场", "期", "轮"]
    static let oneBlockers: Set<Unicode.Scalar> = ["每", "第", "进", "统", "唯", "之", "某", "万", "逐", "同", "单", "专", "任"]

    struct Draft {
        var q: Quantity
        var clause: Range<Int>
        var subject: String?
        var action: String?
        var comparator: TargetComparator
        var per: String?
        var year: Int?
        var scope: String?
        var attribute: (noun: String, name: String)?
        /// Where the target's text starts: its clause, or the clause before when that holds the subject.
        var textStart: Int
        var baseline: Baseline? = nil
        /// Why the subject is what it is, for `luoshi import --explain`.
        var subjectRule: SubjectRule = .none
        /// Why the comparator is what it is.
        var comparatorRule: ComparatorRule = .plain
        /// Which member of a list sharing this figure the target is (单位生产总值能耗和二氧化碳排放量均下降2.2%).
        var member = 0

        /// One target per figure, and per member of a list that shares it.
        var key: Int { q.numberStart &* 16 &+ member }
    }

    /// The rule that named a target's subject.
    enum SubjectRule: Sendable {
        case none, attribute, attributeOfFollowing, beforeLevelVerb, previousClause, wholePhrase, betweenVerbAndFigure,
            afterMeasureWord, listShared, beforeActionVerb, wordsBefore, beforeBaseline, previousCell, respectively,
            currentLevel, projectAttribute, examplesThenNoun, verbsThenNoun, sharedFigure, attributeOfCounted,
            fundPurpose, attributeOfOwner, rankOfList

        var words: String {
            switch self {
            case .none: "找不到主语 (no subject found)"
            case .attribute: "项目属性名词：总投资、占地面积等 (a project attribute noun: 总投资, 占地面积 …)"
            case .attributeOfFollowing:
                "数量后“的”所接的名词加属性 (the noun after the figure's 的, with the attribute)"
            case .beforeLevelVerb: "增长、达到等水平动词前的名词 (the noun before a level verb: 增长, 达到 …)"
            case .previousClause:
                "分句以动词开头，沿用上一分句的主语 (the clause opens with its verb: the previous clause's subject)"
            case .wholePhrase:
                "动词在名词短语内，其后只剩量名（处理率、比例）：取整个短语 (the verb is inside the noun phrase: the whole phrase)"
            case .betweenVerbAndFigure: "动作动词与数量之间的名词 (the noun between the action verb and the figure)"
            case .afterMeasureWord: "量词后面的名词 (the noun after the measure word)"
            case .listShared: "与同一分句的前一数量同列 (in a list with the clause's previous figure)"
            case .beforeActionVerb:
                "动词前的名词，实义动词随之：劳动力培训 (the noun before the verb, with a verb of substance: 劳动力培训)"
            case .wordsBefore: "数量前的词 (the words before the figure)"
            case .beforeBaseline: "从、由、比之前的名词 (the noun before 从, 由, 比)"
            case .previousCell: "表格中前一格 (the table cell before)"
            case .respectively: "“分别”：按顺序对应前面列出的主语 (分别: the subjects listed before, in order)"
            case .currentLevel: "“现有…”所说的事物 (what 现有… says exists now)"
            case .projectAttribute: "所在句中的项目名加属性 (the sentence's project name and the attribute)"
            case .examplesThenNoun:
                "“等”前是举例，计数的是量词后的名词 (the words before 等 are examples; the noun after the measure word is counted)"
            case .sharedFigure:
                "列举的几项共用一个数值（均、分别，或几个比率）：每项一个目标 (a list sharing one figure: one target each)"
            case .verbsThenNoun:
                "数量前只有动词，计数的是量词后的名词 (only verbs before the figure; the noun after the measure word is counted)"
            case .attributeOfOwner: "属性前的那类项目加属性：重点项目投资 (the kind of project before the attribute: 重点项目投资)"
            case .rankOfList:
                "列举的级别共用最后一项的名词：10个省级、20个市级重点村 (ranks in a list share the last item's noun)"
            case .fundPurpose: "资金所用于的事项：实施…工程 (money named by its purpose: 实施…工程 → …工程资金)"
            case .attributeOfCounted:
                "句中刚计数的事物加属性：项目245项，投资622亿元 (the things just counted in the sentence, with the attribute)"
            }
        }
    }

    /// The rule that set a target's comparator.
    enum ComparatorRule: Sendable {
        case plain, stated, clauseAdverb, listShared

        var words: String {
            switch self {
            case .plain: "数量本身，没有上下限的词 (the figure alone: no word of bound)"
            case .stated: "数量旁的词：以上、不低于、以内、约、左右… (a word by the figure: 以上, 不低于, 以内, 约 …)"
            case .clauseAdverb: "分句中的“至少”“不少于” (至少 or 不少于 in the clause)"
            case .listShared: "与同列的前一数量相同 (as the list's previous figure)"
            }
        }
    }

    /// A starting point the text states for the figure that follows it.
    struct Baseline {
        var value: Double
        var unit: String
        var year: Int?
        /// The baseline's quantity words.
        var range: Range<Int>
        /// Where the words that introduce it start (从, 由, 比): the target's subject ends there.
        var marker: Int
    }

    /// Targets in a range of text (a paragraph or part of one).
    func targets(in range: Range<Int>) -> [Draft] {
        let quantities = QuantityScanner.scan(c, range)
        var out: [Draft] = []
        var previous: Draft?
        var scopeInClause: (clause: Int, text: String)?
        var pendingBaseline: Baseline?
        for q in quantities {
            let clause = clauseRange(around: q.range, in: range)
            let stated = pendingBaseline
            pendingBaseline = nil
            if let reason = rejection(q, clause: clause) {
                if case .baseline(let marker, let year) = reason, let value = q.value {
                    pendingBaseline = Baseline(value: value, unit: q.unit, year: year, range: q.range, marker: marker)
                }
                if reason == .scope {
                    let place = TargetBuilder.placeNouns.match(c, at: q.unitRange.upperBound, limit: clause.upperBound)
                    let end = q.unitRange.upperBound + (place.map { TargetBuilder.placeNouns.words[$0].count } ?? 0)
                    scopeInClause = (sentenceStart(q.range.lowerBound, range.lowerBound), c.string(q.numberStart..<end))
                }
                previous = nil
                continue
            }
            var d = Draft(
                q: q, clause: clause, comparator: q.comparator, textStart: clause.lowerBound,
                comparatorRule: q.comparatorStated ? .stated : .plain)
            d.baseline = baseline(for: q, stated: stated, clause: clause)
            describe(&d, previous: previous)
            // What rises from a baseline is named before 从/由/比: 森林覆盖率从77%提高到80%.
            if let b = d.baseline, b.marker > clause.lowerBound {
                let subject = cleanSubject(clause.lowerBound..<b.marker)
                if !subject.isEmpty {
                    d.subject = subject
                    d.subjectRule = .beforeBaseline
                }
            }
            // A subject is never a verb: 改造提升15条区县公路 counts the 区县公路.
            if let subject = d.subject, TargetBuilder.onlyVerbs(subject) {
                let after = nounAfter(q.range.upperBound, clause)
                if !after.isEmpty {
                    d.subject = after
                    d.subjectRule = .verbsThenNoun
                }
            }
            // 实施重点项目245项，投资622亿元: an attribute with no name of its own measures the things just counted.
            if d.subjectRule == .attribute, let prev = previous, let noun = d.attribute?.noun,
                sentenceStart(prev.q.range.lowerBound, range.lowerBound)
                    == sentenceStart(q.range.lowerBound, range.lowerBound),
                TargetBuilder.countUnits.contains(prev.q.unit), let things = prev.subject, !things.isEmpty
            {
                d.subject = things + noun
                d.subjectRule = .attributeOfCounted
            }
            borrowFromPreviousCell(&d, line: range)
            if let s = scopeInClause, s.clause == sentenceStart(q.range.lowerBound, range.lowerBound) {
                d.scope = s.text.isEmpty ? nil : s.text
            }
            out.append(d)
            previous = d
        }
        pairRespectively(&out, from: range.lowerBound)
        currentLevels(&out)
        splitSharedFigures(&out)
        shareRankNoun(&out)
        distinguishByVerb(&out, from: range.lowerBound)
        for k in out.indices { fundPurpose(&out[k]) }
        return out
    }

    /// The subject of a figure that shares the previous one's words: 停车位300个、3600平方米 → 停车位面积.
    func listShared(_ subject: String?, _ dimension: String?) -> String {
        let s = subject ?? ""
        guard let dimension, !s.hasSuffix(dimension) else { return s }
        return s + dimension
    }

    /// Whether a noun stands right after a count's measure word (2个垃圾中转站, 39个“三旧”改造项目): it is what is
    /// counted.
    func countedNounFollows(_ q: Quantity, afterUnit: String, _ clause: Range<Int>) -> Bool {
        afterUnit.unicodeScalars.count >= 2 && q.unit != "%" && q.unit.unicodeScalars.count == 1
            && q.range.upperBound < clause.upperBound && c[q.range.upperBound] != "的"
            && (Scalars.isHan(c[q.range.upperBound]) || Scalars.isOpenQuote(c[q.range.upperBound]))
    }

    /// The verbs ending at `end` when one of them works on what exists (改造老旧小区, 新建和改造城市绿地, 培训新型农民):
    /// what is counted is the work, so the verbs belong to the subject. Verbs that make or name a thing (新建, 培育,
    /// 创建) leave it to the noun.
    func workVerbs(before end: Int, from lower: Int) -> String? {
        var start = end
        var working = false
        while let m = TargetBuilder.actionVerbs.match(c, endingAt: start, from: lower) {
            let word = TargetBuilder.actionVerbs.words[m]
            if TargetBuilder.workOnExisting.contains(word.string) { working = true }
            start -= word.count
            // 新建和改造, 新建、改扩建: verbs joined into one.
            if start - 1 > lower, ["和", "、", "及"].contains(c[start - 1]),
                TargetBuilder.actionVerbs.match(c, endingAt: start - 1, from: lower) != nil
            {
                start -= 1
            }
        }
        if !working, end - start == 2, c.has("新增".scalars, at: start) {
            // 新增城镇就业, 新增贷款: a flow is named with 新增 (the indicator 城镇新增就业).
            var k = end
            while k < c.count && Scalars.isHan(c[k]) && k - end < 12 { k += 1 }
            if TargetBuilder.flows.match(c, endingAt: k, from: end) != nil { return "新增" }
        }
        return working ? c.string(start..<end) : nil
    }

    /// 10个省级、20个市级扶贫开发重点村; 1件中型、6件小型水源工程: a rank alone counts the noun of the list's
    /// last item.
    func shareRankNoun(_ drafts: inout [Draft]) {
        guard drafts.count >= 2 else { return }
        for k in stride(from: drafts.count - 2, through: 0, by: -1) {
            guard drafts[k].clause == drafts[k + 1].clause, let rank = drafts[k].subject,
                TargetBuilder.ranks.match(rank.scalars, at: 0).map({ TargetBuilder.ranks.words[$0].count })
                    == rank.unicodeScalars.count,
                let next = drafts[k + 1].subject,
                let m = TargetBuilder.ranks.match(next.scalars, at: 0)
            else { continue }
            let noun = String(next.unicodeScalars.dropFirst(TargetBuilder.ranks.words[m].count))
            guard noun.unicodeScalars.count >= 2 else { continue }
            drafts[k].subject = rank + noun
            drafts[k].subjectRule = .rankOfList
        }
    }

    /// 开工各类保障房31.6万套，建成19万套: two figures of one sentence that count the same thing by different
    /// verbs are told apart by the verb (开工保障房, 建成保障房).
    func distinguishByVerb(_ drafts: inout [Draft], from lower: Int) {
        guard drafts.count >= 2 else { return }
        for k in 1..<drafts.count {
            let a = drafts[k - 1]
            let b = drafts[k]
            // Verbs of doing only: 增长 and 达到 are levels of one thing, 完成 and 实现 say nothing apart.
            guard let subject = a.subject, !subject.isEmpty, b.subject == subject, let va = a.action, let vb = b.action,
                va != vb, a.q.unit == b.q.unit, TargetBuilder.distinguishing(va), TargetBuilder.distinguishing(vb),
                sentenceStart(a.q.range.lowerBound, lower) == sentenceStart(b.q.range.lowerBound, lower)
            else { continue }
            if !subject.hasPrefix(va) { drafts[k - 1].subject = va + subject }
            if !subject.hasPrefix(vb) { drafts[k].subject = vb + subject }
        }
    }

    /// 筹措7亿元实施就业惠民工程, 筹措资金1.5亿元，实施五保村建设工程: money raised for a purpose is the purpose's
    /// fund (就业惠民工程资金).
    func fundPurpose(_ d: inout Draft) {
        guard d.q.unit == "元", let subject = d.subject else { return }
        var purpose: String?
        if let m = TargetBuilder.purposeVerbs.match(subject.scalars, at: 0),
            TargetBuilder.purposeVerbs.match(c, at: d.q.range.upperBound, limit: d.clause.upperBound) == m
        {
            purpose = String(subject.unicodeScalars.dropFirst(TargetBuilder.purposeVerbs.words[m].count))
        } else if TargetBuilder.fundWords.contains(subject), d.q.range.upperBound == d.clause.upperBound,
            d.clause.upperBound + 1 < c.count, Scalars.isClauseEnd(c[d.clause.upperBound])
        {
            // The next clause says what for: 筹措资金1.5亿元，实施五保村建设一期工程，….
            var k = d.clause.upperBound + 1
            if let m = TargetBuilder.noise.match(c, at: k) { k += TargetBuilder.noise.words[m].count }
            var next = k
            while next < c.count && !Scalars.isClauseEnd(c[next]) && !Scalars.isSentenceEnd(c[next]) { next += 1 }
            let quantities = QuantityScanner.scan(c, k..<next)
            if k < next, c[k] == "对", let v = c.firstIndex(of: "进行".scalars, in: k..<next) {
                // 对全区10万户农村危房、茅草房进行改造: the things and the work.
                purpose = cleanSubject((k + 1)..<v) + cleanSubject((v + 2)..<next)
                if let q = QuantityScanner.scan(c, (k + 1)..<v).last {
                    purpose = nounAfter(q.range.upperBound, k..<v) + cleanSubject((v + 2)..<next)
                }
            } else if TargetBuilder.purposeVerbs.match(c, at: k) == nil,
                TargetBuilder.actionVerbs.match(c, at: k) != nil,
                let q = quantities.first
            {
                // 建成93个乡镇综合文化站: what the money builds.
                purpose = nounAfter(q.range.upperBound, k..<next)
            } else if k < next {
                // 实施五保村建设一期工程, 支持500个村建设村级公共服务中心, 在14个县实施新型农村养老保险试点, 对…普通
                // 高中学生免除学费: what the clause does, after its figures, its verbs and its 的.
                var s = k
                if let q = quantities.last(where: { !Lexicon.nonTargetUnits.contains($0.unit) }) {
                    s = q.range.upperBound
                }
                // The first verb after them; later ones belong to the name (五保村建设一期工程).
                for i in s..<next {
                    let n =
                        TargetBuilder.purposeVerbs.match(c, at: i, limit: next).map {
                            TargetBuilder.purposeVerbs.words[$0].count
                        }
                        ?? TargetBuilder.actionVerbs.match(c, at: i, limit: next).map {
                            TargetBuilder.actionVerbs.words[$0].count
                        }
                    if let n, next - i - n >= 2 {
                        s = i + n
                        break
                    }
                }
                if let de = c.lastIndex(of: ["的"], in: s..<next), next - de > 3 { s = de + 1 }
                if s < next, c[s] == "对" { s += 1 }
                if next - s <= 20 { purpose = cleanSubject(s..<next) }
            }
        }
        guard var p = purpose, p.unicodeScalars.count >= 2 else { return }
        for w in ["制度", "建设"] where p.hasSuffix(w) && p.unicodeScalars.count > w.unicodeScalars.count + 1 {
            p = String(p.unicodeScalars.dropLast(w.unicodeScalars.count))
        }
        d.subject = p + "资金"
        d.subjectRule = .fundPurpose
    }

    // MARK: Where a target starts from

    /// The baseline of a target: the figure just before its verb (从77%提高到80%), stated as a quantity of
    /// its own or as a bare number that takes the target's unit (从77提高到80%). Units must agree.
    func baseline(for q: Quantity, stated: Baseline?, clause: Range<Int>) -> Baseline? {
        guard q.comparator != .range, let verb = riseVerb(endingAt: q.range.lowerBound, from: clause.lowerBound)
        else { return nil }
        if let b = stated {
            // The verb follows the baseline's words directly.
            let end = perUnitEnd(b.range.upperBound, limit: verb.lowerBound)
            guard end == verb.lowerBound || onlyAdverbs(end..<verb.lowerBound) else {
                return nil
            }
            return b.unit == q.unit ? b : nil
        }
        // A bare number: 从1.2万增加到1.5万人.
        var k = verb.lowerBound
        while k > clause.lowerBound && Scalars.isSpace(c[k - 1]) { k -= 1 }
        let numberEnd = k
        while k > clause.lowerBound
            && (Scalars.isDigit(c[k - 1]) || Scalars.isDecimalPoint(c[k - 1]) || c[k - 1] == "万" || c[k - 1] == "亿")
        {
            k -= 1
        }
        guard k < numberEnd, Scalars.isDigit(c[k]), let n = QuantityScanner.number(c, k, numberEnd), n.end == numberEnd,
            let (marker, year) = baselineMarker(before: k, from: clause.lowerBound)
        else { return nil }
        // The target's unit must not scale its figure (万千瓦时, 分钱): a bare number's scale is then unclear.
        let written = c.string(q.unitRange)
        let entry = q.unitRange.isEmpty ? nil : Lexicon.units.first(where: { $0.written == written })
        guard (entry?.factor ?? 1) == 1 else { return nil }
        return Baseline(value: n.value, unit: q.unit, year: year, range: k..<numberEnd, marker: marker)
    }

    /// Where a figure's per-unit ends: 80元/人提高到 → before 提高到.
    func perUnitEnd(_ i: Int, limit: Int) -> Int {
        guard i < limit, c[i] == "/" || c[i] == "／" else { return i }
        var k = i + 1
        while k < limit, k - i <= 3, Scalars.isHan(c[k]) || c[k] == "·",
            TargetBuilder.rises.match(c, at: k, limit: limit) == nil,
            TargetBuilder.riseAdverbs.match(c, at: k, limit: limit) == nil
        {
            k += 1
        }
        return k > i + 1 ? k : i
    }

    /// The verb of change that ends just before a target's words, with the adverbs before it: 逐步提高到.
    func riseVerb(endingAt i: Int, from lower: Int) -> Range<Int>? {
        var e = i
        while e > lower && Scalars.isSpace(c[e - 1]) { e -= 1 }
        guard let v = TargetBuilder.rises.match(c, endingAt: e, from: lower) else { return nil }
        var s = e - TargetBuilder.rises.words[v].count
        while let a = TargetBuilder.riseAdverbs.match(c, endingAt: s, from: lower) {
            s -= TargetBuilder.riseAdverbs.words[a].count
        }
        return s..<e
    }

    func onlyAdverbs(_ r: Range<Int>) -> Bool {
        var k = r.lowerBound
        while k < r.upperBound {
            if Scalars.isSpace(c[k]) {
                k += 1
            } else if let a = TargetBuilder.riseAdverbs.match(c, at: k, limit: r.upperBound) {
                k += TargetBuilder.riseAdverbs.words[a].count
            } else {
                return false
            }
        }
        return true
    }

    /// The words that make the figure at `i` a starting point: 从, 由 or 比, then perhaps a time (2014年, 上年,
    /// 目前) and 的. Returns where 从/由/比 stands and the year the time names.
    func baselineMarker(before i: Int, from lower: Int) -> (marker: Int, year: Int?)? {
        var k = i
        while k > lower && Scalars.isSpace(c[k - 1]) { k -= 1 }
        if k > lower && c[k - 1] == "的" { k -= 1 }
        var year: Int?
        if let t = TargetBuilder.baselineTimes.match(c, endingAt: k, from: lower) {
            let word = TargetBuilder.baselineTimes.words[t]
            if word.string.hasPrefix("上") || word.string == "去年" { year = planYear.map { $0 - 1 } }
            k -= word.count
        } else {
            // 2014年, 2014年底, 2014年末
            var e = k
            for w in ["年底", "年末", "年"] where c.has(w.scalars, endingAt: e) {
                e -= w.scalars.count
                break
            }
            if e < k, e - 4 >= lower, (e - 4..<e).allSatisfy({ Scalars.isDigit(c[$0]) }),
                e - 5 < lower || !Scalars.isDigit(c[e - 5]), let v = Cleaner.readInt(c, e - 4, e)?.value,
                v >= 1949, v <= 2100
            {
                year = v
                k = e - 4
            }
        }
        guard k > lower, c[k - 1] == "从" || c[k - 1] == "由" || c[k - 1] == "比" else { return nil }
        return (k - 1, year)
    }

    /// 全镇现有家庭农场45家，年内达到60家: a count the text says exists now, then in the very next clause a
    /// level with no subject of its own and the same unit. The first is the second's baseline, not a target.
    func currentLevels(_ drafts: inout [Draft]) {
        var i = 0
        while i + 1 < drafts.count {
            let a = drafts[i]
            let b = drafts[i + 1]
            guard b.baseline == nil, a.q.comparator == .equal, b.q.comparator != .range, a.q.unit == b.q.unit,
                let value = a.q.value, a.clause.upperBound + 1 == b.clause.lowerBound,
                a.q.range.upperBound == a.clause.upperBound,
                let (p, w) = TargetBuilder.currentLevel.firstMatch(c, in: a.clause.lowerBound..<a.q.range.lowerBound),
                case let subject = cleanSubject((p + TargetBuilder.currentLevel.words[w].count)..<a.q.range.lowerBound),
                !subject.isEmpty,
                let verb = riseVerb(endingAt: b.q.range.lowerBound, from: b.clause.lowerBound),
                cleanSubject(b.clause.lowerBound..<verb.lowerBound).isEmpty,
                !hasNumber(b.clause.lowerBound..<verb.lowerBound)
            else {
                i += 1
                continue
            }
            drafts[i + 1].baseline = Baseline(value: value, unit: a.q.unit, year: nil, range: a.q.range, marker: p)
            drafts[i + 1].subject = subject
            drafts[i + 1].subjectRule = .currentLevel
            drafts[i + 1].textStart = a.textStart
            drafts.remove(at: i)
        }
    }

    /// 城镇和农村居民人均可支配收入分别增长8%和9%: with 分别, the n figures of a clause go to the n
    /// subjects listed before it, in order.
    func pairRespectively(_ drafts: inout [Draft], from lower: Int) {
        var i = 0
        // The subjects the last 分别 gave, for a next clause that goes on with them: …分别增长9%和10%，达到39370元和13940元.
        var paired: (clause: Range<Int>, subjects: [String])?
        while i < drafts.count {
            let clause = drafts[i].clause
            var j = i
            while j < drafts.count && drafts[j].clause == clause { j += 1 }
            defer { i = j }
            guard j - i >= 2 else { continue }
            if let last = paired, last.clause.upperBound + 1 == clause.lowerBound, last.subjects.count == j - i,
                drafts[i].subjectRule == .previousClause || drafts[i].subject == nil,
                drafts[(i + 1)..<j].allSatisfy({ [.previousClause, .listShared, .none].contains($0.subjectRule) })
            {
                for k in 0..<(j - i) {
                    drafts[i + k].subject = last.subjects[k]
                    drafts[i + k].subjectRule = .respectively
                }
                paired = (clause, last.subjects)
                continue
            }
            // 城乡居民收入增长5％和3％左右: two figures joined by 和 under 城乡 are 城镇's and 农村's without 分别.
            if j - i == 2, c.firstIndex(of: "分别".scalars, in: clause.lowerBound..<drafts[i].q.range.lowerBound) == nil,
                let subject = drafts[i].subject, subject.hasPrefix("城乡"), subject.unicodeScalars.count > 3,
                drafts[i + 1].q.range.lowerBound - drafts[i].q.range.upperBound <= 2,
                c[drafts[i + 1].q.range.lowerBound - 1] == "和" || c[drafts[i + 1].q.range.lowerBound - 1] == "、"
            {
                paired = (clause, townAndCountry(&drafts, from: i, rest: String(subject.unicodeScalars.dropFirst(2))))
                continue
            }
            guard let p = c.firstIndex(of: "分别".scalars, in: clause.lowerBound..<drafts[i].q.range.lowerBound)
            else { continue }
            // The subjects: the words before 分别 split at 、 和 及 与; when there are none, the list of the clause
            // before, up to its verb (工业投资和交通投资实现翻番，分别达到205亿元和120亿元).
            var subjects = listItems(clause.lowerBound..<p)
            if subjects.count == 1, cleanSubject(subjects[0]).isEmpty, clause.lowerBound >= 2 {
                var k = clause.lowerBound - 2
                while k > lower && !Scalars.isClauseEnd(c[k - 1]) && !Scalars.isSentenceEnd(c[k - 1]) { k -= 1 }
                let items = listItems(k..<(clause.lowerBound - 1))
                if items.count == j - i, let lastItem = items.last {
                    var end = lastItem.upperBound
                    if let (v, _) = TargetBuilder.levelVerbs.firstMatch(c, in: lastItem) { end = min(end, v) }
                    if let (v, _) = TargetBuilder.actionVerbs.firstMatch(c, in: lastItem) { end = min(end, v) }
                    subjects = Array(items.dropLast()) + [lastItem.lowerBound..<end]
                }
            }
            // 城乡居民收入分别增长8%、9%: 城乡 is 城镇 and 农村, in that order.
            if subjects.count == 1, j - i == 2, c.has("城乡".scalars, at: subjects[0].lowerBound) {
                let rest = cleanSubject((subjects[0].lowerBound + 2)..<subjects[0].upperBound)
                if !rest.isEmpty { paired = (clause, townAndCountry(&drafts, from: i, rest: rest)) }
                continue
            }
            guard subjects.count == j - i else { continue }
            // A shared head noun after the last item completes the short earlier ones, parallel modifiers
            // being as long as each other: 城镇和农村居民人均可支配收入 → 城镇居民…, 农村居民….
            let last = Array(cleanSubject(subjects[subjects.count - 1]).unicodeScalars)
            let first = Array(cleanSubject(subjects[0]).unicodeScalars)
            // A measure that ends the last item ends each earlier one: 二氧化硫、化学需氧量排放量 → 二氧化硫排放量.
            let measure = TargetBuilder.measureEndings.match(last, endingAt: last.count, from: 1).map {
                TargetBuilder.measureEndings.words[$0]
            }
            for (k, r) in subjects.enumerated() {
                var subject = cleanSubject(r)
                let n = subject.unicodeScalars.count
                if k < subjects.count - 1 && n > 0 && n <= 3 && last.count > n + 1 {
                    subject += last.string(n..<last.count)
                } else if k < subjects.count - 1, n > 0, let m = measure, !subject.unicodeScalars.elementsEqual(last),
                    TargetBuilder.measureEndings.match(Array(subject.unicodeScalars), endingAt: n, from: 0) == nil
                {
                    subject += m.string
                } else if k > 0 && n > 0 && n <= 3 && first.count > n + 1 {
                    // A head before the first item begins each later short one: 万元GDP能耗、水耗 → 万元GDP水耗.
                    subject = first.string(0..<(first.count - n)) + subject
                }
                if !subject.isEmpty {
                    drafts[i + k].subject = subject
                    drafts[i + k].subjectRule = .respectively
                }
            }
            paired = (clause, drafts[i..<j].map { $0.subject ?? "" })
        }
    }

    /// 城乡 read as 城镇 and 农村, in that order, for the two figures from `i`: the subjects given.
    func townAndCountry(_ drafts: inout [Draft], from i: Int, rest: String) -> [String] {
        let subjects = ["城镇" + rest, "农村" + rest]
        for k in 0..<2 {
            drafts[i + k].subject = subjects[k]
            drafts[i + k].subjectRule = .respectively
        }
        return subjects
    }

    /// The items of a list, split at 、 和 及 与.
    func listItems(_ r: Range<Int>) -> [Range<Int>] {
        var items: [Range<Int>] = []
        var s = r.lowerBound
        for k in r where c[k] == "、" || c[k] == "和" || c[k] == "及" || c[k] == "与" {
            items.append(s..<k)
            s = k + 1
        }
        items.append(s..<r.upperBound)
        return items
    }

    func sentenceStart(_ i: Int, _ lower: Int) -> Int {
        var k = i - 1
        while k >= lower && !Scalars.isSentenceEnd(c[k]) { k -= 1 }
        return k + 1
    }

    // MARK: What is not a target

    enum Rejection: Equatable {
        case notTarget, scope
        /// The starting point of the figure that follows (从77%提高到80%): where 从/由/比 stands, the year named.
        case baseline(marker: Int, year: Int?)
    }

    func rejection(_ q: Quantity, clause: Range<Int>) -> Rejection? {
        let unitText = c.string(q.unitRange)
        let before: Unicode.Scalar? = q.range.lowerBound > 0 ? c[q.range.lowerBound - 1] : nil
        let afterIndex = q.range.upperBound
        let after: Unicode.Scalar? = afterIndex < c.count ? c[afterIndex] : nil
        // Ranks, grades, document numbers, times, ages.
        // 期 counts sessions when a comparator says how many (不少于12期); otherwise it is a phase (二期).
        let sessions = unitText == "期" && q.comparatorStated && q.comparator != .equal
        if Lexicon.nonTargetUnits.contains(unitText) && !sessions { return .notTarget }
        if unitText == "岁" && !c.contains("寿命".scalars, in: clause.lowerBound..<q.range.lowerBound) {
            return .notTarget
        }
        // Fixed terms: 二次供水, 三个代表.
        for start in max(0, q.range.lowerBound - 3)...q.numberStart
        where TargetBuilder.fixedTerms.match(c, at: start, limit: min(c.count, q.range.upperBound + 4)) != nil {
            return .notTarget
        }
        // Ordinals and codes.
        if before == "第" || before == "前" && unitText == "名" { return .notTarget }
        if let b = before, Scalars.isASCIILetter(b) { return .notTarget }
        if q.unitRange.isEmpty, let a = after, Scalars.isASCIILetter(a), !q.impliedUnit { return .notTarget }
        if !q.unitRange.isEmpty, let a = after, Scalars.isASCIILetter(a),
            unitText.unicodeScalars.allSatisfy({ Scalars.isHan($0) })
        {
            return .notTarget
        }
        // Years written without 年 (2015—2020).
        if q.value.map({ $0 >= 1900 && $0 <= 2100 && $0 == $0.rounded() }) == true && !q.chineseNumeral && q.unit != "%"
            && q.unit != "元"
            && (unitText.isEmpty || unitText == "年")
        {
            return .notTarget
        }
        // Names and slogans in short quotes.
        if insideShortQuote(q.range) { return .notTarget }
        // A count in Chinese numerals right after a quoted name counts its parts (“三区一民生”四项).
        if q.chineseNumeral, let b = before, Scalars.isCloseQuote(b) { return .notTarget }
        // Words after the measure word that make the count a structure or a name.
        if TargetBuilder.structuralNouns.match(c, at: afterIndex, limit: min(c.count, afterIndex + 4)) != nil
            && q.unit != "%"
        {
            return .notTarget
        }
        // 零部件, 零售: 零 alone is a word, not a figure.
        if q.chineseNumeral && q.value == 0 { return .notTarget }
        if q.chineseNumeral && q.value == 1 && q.comparator != .range {
            if let b = before, TargetBuilder.oneBlockers.contains(b) { return .notTarget }
            let frequency =
                TargetBuilder.frequencyUnits.contains(unitText)
                && c.contains(["每"], in: clause.lowerBound..<q.range.lowerBound)
            let verbBefore =
                TargetBuilder.actionVerbs.match(c, endingAt: q.range.lowerBound, from: clause.lowerBound) != nil
                || c.has("至少".scalars, endingAt: q.range.lowerBound)
            if !frequency && !verbBefore { return .notTarget }
        }
        if q.chineseNumeral, let b = before, b == "每" { return .notTarget }
        // 青石、枫桥两个省级重点镇: a count in words restating the list just named.
        if q.chineseNumeral, let b = before, Scalars.isHan(b), let v = q.value {
            let listed = (clause.lowerBound..<q.range.lowerBound).filter { c[$0] == "、" }.count + 1
            if listed > 1 && Double(listed) == v { return .notTarget }
        }
        // A baseline: 从77%提高到80%, 由2014年的1.2万人增加到…, 比上年的45%提高3个百分点.
        var verbAt = perUnitEnd(afterIndex, limit: clause.upperBound)
        while verbAt < clause.upperBound,
            let a = TargetBuilder.riseAdverbs.match(c, at: verbAt, limit: clause.upperBound)
        {
            verbAt += TargetBuilder.riseAdverbs.words[a].count
        }
        if TargetBuilder.rises.match(c, at: verbAt, limit: clause.upperBound) != nil,
            let (marker, year) = baselineMarker(before: q.range.lowerBound, from: clause.lowerBound)
        {
            return .baseline(marker: marker, year: year)
        }
        // Places that frame the clause.
        if q.unit == "个" || q.unit == "村" || q.unit == "家" || q.unit == "所" {
            let placeAfter =
                TargetBuilder.placeNouns.match(c, at: afterIndex, limit: min(c.count, afterIndex + 3)) != nil
            if placeAfter || ["村", "镇", "乡"].contains(unitText) {
                let lead = clause.lowerBound..<q.range.lowerBound
                if TargetBuilder.existing.contains(in: c, lead) { return .notTarget }
                if before == "在" || before == "对" || before == "到" { return .scope }
                let covers = TargetBuilder.coverage.contains(in: c, q.range.upperBound..<clause.upperBound)
                if let b = before,
                    b == "全" || c.has("全镇".scalars, endingAt: q.range.lowerBound)
                        || c.has("全县".scalars, endingAt: q.range.lowerBound)
                        || c.has("全市".scalars, endingAt: q.range.lowerBound)
                        || c.has("全区".scalars, endingAt: q.range.lowerBound)
                {
                    return covers ? nil : .scope
                }
            }
        }
        return nil
    }

    func insideShortQuote(_ r: Range<Int>) -> Bool {
        var k = r.lowerBound - 1
        var open: Int?
        while k >= 0 && r.lowerBound - k <= 10 {
            if Scalars.isCloseQuote(c[k]) && c[k] != "\"" { return false }
            if Scalars.isOpenQuote(c[k]) { open = k; break }
            if Scalars.isClauseEnd(c[k]) { return false }
            k -= 1
        }
        guard open != nil else { return false }
        var e = r.upperBound
        while e < c.count && e - r.upperBound <= 10 {
            if Scalars.isCloseQuote(c[e]) { return true }
            if Scalars.isClauseEnd(c[e]) || Scalars.isOpenQuote(c[e]) { return false }
            e += 1
        }
        return false
    }

    // MARK: What a target promises

    func clauseRange(around r: Range<Int>, in bounds: Range<Int>) -> Range<Int> {
        var s = r.lowerBound
        while s > bounds.lowerBound && !(Scalars.isClauseEnd(c[s - 1]) && !isThousands(s - 1)) { s -= 1 }
        var e = r.upperBound
        while e < bounds.upperBound && !(Scalars.isClauseEnd(c[e]) && !isThousands(e)) { e += 1 }
        return s..<e
    }

    /// A comma inside a figure: 46,380元.
    func isThousands(_ k: Int) -> Bool {
        guard c[k] == "," || c[k] == "，", k > 0, Scalars.isDigit(c[k - 1]), k + 3 < c.count else { return false }
        return (1...3).allSatisfy { Scalars.isDigit(c[k + $0]) } && (k + 4 >= c.count || !Scalars.isDigit(c[k + 4]))
    }

    func describe(_ d: inout Draft, previous: Draft?) {
        let q = d.q
        let lead = d.clause.lowerBound..<q.range.lowerBound
        // The clause's adverb 至少 governs the verb and so the figure: 至少新增停车位300个.
        if !q.comparatorStated, d.comparator == .equal {
            if let p = c.lastIndex(of: "至少".scalars, in: lead), !hasNumber(p..<q.range.lowerBound) {
                d.comparator = .atLeast
                d.comparatorRule = .clauseAdverb
            }
            if let p = c.lastIndex(of: "不少于".scalars, in: lead), !hasNumber(p..<q.range.lowerBound) {
                d.comparator = .atLeast
                d.comparatorRule = .clauseAdverb
            }
        }
        // A list sharing one figure's words: 300个、3600平方米; 标准化村卫生室5家、示范化卫生室6家.
        var segmentStart = d.clause.lowerBound
        if let prev = previous, prev.clause == d.clause {
            var k = q.range.lowerBound - 1
            while k >= prev.q.range.upperBound && c[k] != "、" && c[k] != "和" && c[k] != "及" { k -= 1 }
            if k >= prev.q.range.upperBound {
                segmentStart = k + 1
                if !q.comparatorStated && d.comparator == .equal && prev.comparator != .range {
                    d.comparator = prev.comparator
                    if prev.comparator != .equal { d.comparatorRule = .listShared }
                }
            } else if isThresholdModifier(prev, before: q) {
                // 主营业务收入30亿元以上的强优企业达到30家: the figure before qualifies the noun counted here, and
                // the subject is the whole phrase.
                segmentStart = d.clause.lowerBound
            } else {
                segmentStart = prev.q.range.upperBound
            }
        }
        let segment = segmentStart..<q.range.lowerBound
        // Frequency: 每季度至少开展一次.
        if let p = c.lastIndex(of: ["每"], in: lead),
            let m = TargetBuilder.periods.match(c, at: p + 1, limit: q.range.lowerBound)
        {
            d.per = TargetBuilder.periods.words[m].string
        }
        d.year = explicitYear(lead) ?? planYear

        // Project attributes: 总投资4000万, 占地面积6.56万平方米.
        var attributeEnd = q.range.lowerBound
        while attributeEnd > segment.lowerBound && ["为", "达", "约", "是", "均"].contains(c[attributeEnd - 1]) {
            attributeEnd -= 1
        }
        var attribute: (p: Int, noun: String, name: String)?
        if let a = TargetBuilder.attributes.match(c, endingAt: attributeEnd, from: segment.lowerBound),
            attributeStandsAlone(attributeEnd - TargetBuilder.attributes.words[a].count, segment)
        {
            let p = attributeEnd - TargetBuilder.attributes.words[a].count
            attribute = (p, TargetBuilder.attributes.words[a].string, Lexicon.projectAttributes[a].1)
        } else if q.unit == "米" {
            // A road's 红线 or 控制线 in metres is its width: 道路红线40米, 总控制线60米.
            let noun = cleanSubject(segment.lowerBound..<attributeEnd)
            let n = noun.unicodeScalars.count
            if n >= 2 && n <= 6 && noun.hasSuffix("线") && attributeEnd - n >= segment.lowerBound
                && c.string((attributeEnd - n)..<attributeEnd) == noun
                && attributeStandsAlone(attributeEnd - n, segment)
            {
                attribute = (attributeEnd - n, noun, "width")
            }
        }
        if let (p, noun, name) = attribute {
            d.attribute = (noun, name)
            d.subject = noun
            d.subjectRule = .attribute
            // 力争完成重点项目投资3000亿元: the kind of project before the attribute owns it, until a project of
            // the sentence is found to name it.
            if p > segment.lowerBound, ProjectFinder.suffixes.match(c, endingAt: p, from: segment.lowerBound) != nil,
                !hasNumber(segment.lowerBound..<p)
            {
                let owner = cleanSubject(segment.lowerBound..<p)
                if !owner.isEmpty {
                    d.subject = owner + noun
                    d.subjectRule = .attributeOfOwner
                }
            } else if let v = TargetBuilder.actionVerbs.match(c, endingAt: p, from: segment.lowerBound),
                TargetBuilder.lightVerbs.contains(TargetBuilder.actionVerbs.words[v].string),
                case let verbStart = p - TargetBuilder.actionVerbs.words[v].count,
                ProjectFinder.suffixes.match(c, endingAt: verbStart, from: segment.lowerBound) != nil,
                !hasNumber(segment.lowerBound..<verbStart)
            {
                // 省重点项目完成投资220亿元: the projects' investment done.
                let owner = cleanSubject(segment.lowerBound..<verbStart)
                if !owner.isEmpty {
                    d.subject = owner + TargetBuilder.actionVerbs.words[v].string + noun
                    d.subjectRule = .attributeOfOwner
                }
            }
            // 新建占地均超过10亩的小游园: the thing measured follows.
            let afterUnit = nounAfter(q.range.upperBound, d.clause)
            if c.has(["的"], at: q.range.upperBound) && !afterUnit.isEmpty {
                d.subject = afterUnit + noun
                d.subjectRule = .attributeOfFollowing
            }
            d.action = TargetBuilder.actionVerbs.firstMatch(c, in: d.clause.lowerBound..<p).map {
                TargetBuilder.actionVerbs.words[$0.1].string
            }
            return
        }

        // The verb nearest before the figure; 增加 in 增加值 is the noun's (第三产业实现增加值1575亿元).
        var level = TargetBuilder.levelVerbs.lastMatch(c, in: segment)
        while let (p, v) = level, p + TargetBuilder.levelVerbs.words[v].count < segment.upperBound,
            TargetBuilder.nounEndings.contains(c[p + TargetBuilder.levelVerbs.words[v].count])
        {
            level = TargetBuilder.levelVerbs.lastMatch(c, in: segment.lowerBound..<p)
        }
        var action = TargetBuilder.actionVerbs.lastMatch(c, in: segment)
        // The longest verb ending there: 新开工, not 开工 after a stray 新; of two verbs that overlap the first is
        // the verb (新建设施农业: 新建, then 设施农业).
        if let (p, v) = action {
            let end = p + TargetBuilder.actionVerbs.words[v].count
            for k in [2, 1] where p - k >= segment.lowerBound {
                if let w = TargetBuilder.actionVerbs.match(c, at: p - k, limit: end),
                    case let wEnd = p - k + TargetBuilder.actionVerbs.words[w].count, wEnd > p, wEnd <= end
                {
                    action = (p - k, w)
                    break
                }
            }
        }
        // 新增绿化造林600亩: the verb is 新增, 造林 belongs to what is counted.
        while let (p, v) = action,
            cleanSubject((p + TargetBuilder.actionVerbs.words[v].count)..<q.range.lowerBound).isEmpty,
            let earlier = TargetBuilder.actionVerbs.lastMatch(c, in: segment.lowerBound..<p),
            !(earlier.0..<p).contains(where: { Scalars.isClauseEnd(c[$0]) })
        {
            action = earlier
        }
        let afterUnit = nounAfter(q.range.upperBound, d.clause)
        // 完成大砂坪等3个城市出入口绿化美化, 续建津港、塘承等5条高速公路: the words before 等 are examples of
        // what is counted, and what is counted follows the measure word.
        if q.range.lowerBound > segment.lowerBound, c[q.range.lowerBound - 1] == "等", !afterUnit.isEmpty,
            q.unit != "%"
        {
            d.subject = afterUnit
            d.subjectRule = .examplesThenNoun
            d.action = action.map { TargetBuilder.actionVerbs.words[$0.1].string }
            return
        }
        if let (p, v) = level, action.map({ $0.0 < p }) ?? true, countedNounFollows(q, afterUnit: afterUnit, d.clause),
            p + TargetBuilder.levelVerbs.words[v].count == q.range.lowerBound
        {
            // 重点改造提升6个公园: a verb of level right before a count works on the noun counted.
            d.action = TargetBuilder.levelVerbs.words[v].string
            var start = segment.lowerBound
            while let m = TargetBuilder.noise.match(c, at: start, limit: p) {
                start += TargetBuilder.noise.words[m].count
            }
            d.subject = c.string(start..<q.range.lowerBound) + afterUnit
            d.subjectRule = .afterMeasureWord
            return
        }
        if let (p, v) = level, action.map({ $0.0 < p }) ?? true {
            let verb = TargetBuilder.levelVerbs.words[v]
            d.action = verb.string
            let subject = cleanSubject(segment.lowerBound..<p)
            d.subject = subject.isEmpty ? (previous?.subject ?? nil) : subject
            d.subjectRule = subject.isEmpty ? .previousClause : .beforeLevelVerb
            // 提升农村户厕8.8万座: nothing before the verb, and what it works on stands between it and the figure.
            let object = cleanSubject((p + verb.count)..<q.range.lowerBound)
            if subject.isEmpty && object.unicodeScalars.count >= 2 && !hasNumber((p + verb.count)..<q.range.lowerBound)
            {
                d.subject = verb.string + object
                d.subjectRule = .betweenVerbAndFigure
            }
            // 实现生产总值138亿元，增长8%: the growth belongs to the figure before it.
            if subject.isEmpty, let prev = previous, prev.clause.upperBound + 1 == d.clause.lowerBound {
                d.textStart = prev.textStart
            }
            if (d.subject ?? "").isEmpty { d.subject = nil }
            return
        }
        if let (p, v) = action {
            let verb = TargetBuilder.actionVerbs.words[v]
            d.action = verb.string
            let between = cleanSubject((p + verb.count)..<q.range.lowerBound)
            if countedNounFollows(q, afterUnit: afterUnit, d.clause),
                between.contains("、") || hasNumber(p..<q.range.lowerBound)
                    || (q.range.lowerBound > p + verb.count && ["和", "及", "与"].contains(c[q.range.lowerBound - 1]))
            {
                // 新建南苑新城、凤凰城2个垃圾中转站: the places listed are the members; the noun after the count is
                // what is counted.
                d.subject = (workVerbs(before: p + verb.count, from: segment.lowerBound) ?? "") + afterUnit
                d.subjectRule = .afterMeasureWord
            } else if (1...2).contains(between.unicodeScalars.count) && !cleanSubject(segment.lowerBound..<p).isEmpty {
                // The verb is inside the noun phrase and what follows it only names the measure
                // (垃圾处理率, 安置比例, 生态建设面积): the whole phrase is the subject.
                d.subject = cleanSubject(segment)
                d.subjectRule = .wholePhrase
            } else if TargetBuilder.measureNouns.contains(between) {
                // 完成造林面积440万亩: a bare measure is of the verb's doing.
                d.subject = verb.string + between
                d.subjectRule = .betweenVerbAndFigure
            } else if !between.isEmpty && !TargetBuilder.complements.contains(between) {
                d.subject = (workVerbs(before: p + verb.count, from: segment.lowerBound) ?? "") + between
                d.subjectRule = .betweenVerbAndFigure
                // 第三产业实现增加值157亿元: 实现 and 完成 only reach the figure; whose it is stands before them.
                if TargetBuilder.lightVerbs.contains(verb.string) {
                    let owner = cleanSubject(segment.lowerBound..<p)
                    if !owner.isEmpty && !hasNumber(segment.lowerBound..<p) { d.subject = owner + between }
                }
            } else if !afterUnit.isEmpty {
                d.subject = (workVerbs(before: p + verb.count, from: segment.lowerBound) ?? "") + afterUnit
                d.subjectRule = .afterMeasureWord
            } else if let prev = previous, prev.clause == d.clause,
                segment.lowerBound == d.clause.lowerBound || cleanSubject(segment.lowerBound..<p).isEmpty
            {
                d.subject = listShared(prev.subject, q.dimension)
                d.subjectRule = .listShared
            } else {
                // 一般公共预算收入完成1.85亿元: what is done stands before the verb.
                let before = cleanSubject(segment.lowerBound..<p)
                if !before.isEmpty {
                    // 劳动力培训3.5万人: a verb of substance names what is counted with its object; 完成 and 实现
                    // only say the figure is reached (一般公共预算收入完成1.85亿元).
                    d.subject = TargetBuilder.lightVerbs.contains(verb.string) ? before : before + verb.string
                    d.subjectRule = .beforeActionVerb
                } else if let prev = previous, prev.clause.upperBound + 1 == d.clause.lowerBound {
                    // 地区生产总值增长9%，突破4000亿元: a clause that opens with its verb goes on with the
                    // figure before it.
                    d.subject = prev.subject
                    d.subjectRule = .previousClause
                }
            }
            if let prev = previous, prev.clause == d.clause, segment.lowerBound > d.clause.lowerBound,
                TargetBuilder.actionVerbs.firstMatch(c, in: segment) == nil
            {
                d.action = prev.action
            }
            // The thing counted may follow the verb's object: 新建占地均超过10亩的小游园 → 小游园占地.
            if q.unit != "%" && !afterUnit.isEmpty && c.has(["的"], at: q.range.upperBound) && d.subject != afterUnit {
                d.subject = afterUnit + (d.subject ?? "")
                d.subjectRule = .afterMeasureWord
            }
            return
        }
        let before = cleanSubject(segment)
        // 支持10个重点镇建设, 认定6家市级重点实验室: a few words before a count and a noun right after its
        // measure word — the words before are what is done, the thing counted follows.
        // …or a list of places or a figure already before it (主城区、环湾39个“三旧”改造项目, 6个中心消防站和11个…).
        let countsWhatFollows =
            countedNounFollows(q, afterUnit: afterUnit, d.clause)
            && (before.unicodeScalars.count <= 4 || before.contains("、") || hasNumber(segment))
        if !before.isEmpty && !countsWhatFollows {
            d.subject = before
            d.subjectRule = .wordsBefore
        } else if !afterUnit.isEmpty {
            d.subject = afterUnit
            d.subjectRule = .afterMeasureWord
        } else if let prev = previous, prev.clause == d.clause {
            d.subject = listShared(prev.subject, q.dimension)
            d.subjectRule = .listShared
        } else if let prev = previous, prev.clause.upperBound + 1 == d.clause.lowerBound, prev.subject != nil {
            // 地区生产总值增长9%左右，突破4000亿元: a clause of its figure alone goes on with the one before.
            d.subject = prev.subject
            d.subjectRule = .previousClause
        }
        if let prev = previous, prev.clause == d.clause, segment.lowerBound > d.clause.lowerBound {
            d.action = prev.action
        }
        // 80%的社区成为充分就业社区: the share is of what follows (once, when it is not the subject already).
        if c.has(["的"], at: q.range.upperBound) && !afterUnit.isEmpty && d.subject != afterUnit {
            d.subject = afterUnit + (d.subject ?? "")
            d.subjectRule = .afterMeasureWord
        }
    }

    /// A list that shares one figure: 游客接待量和旅游总收入均增长20%, 科技贷款、制造业贷款分别增长15%,
    /// 城镇基本医疗保险参保率、新农合参合率稳定在95%以上 — each member is a target of its own with the same
    /// figure. Without 均 or 分别 only a list of rates is split: 首台套装备、首批次新材料300项 is one total.
    func splitSharedFigures(_ drafts: inout [Draft]) {
        var out: [Draft] = []
        out.reserveCapacity(drafts.count)
        for (n, d) in drafts.enumerated() {
            let sameClause =
                (n > 0 && drafts[n - 1].clause == d.clause)
                || (n + 1 < drafts.count && drafts[n + 1].clause == d.clause)
            guard !sameClause, d.subjectRule != .respectively, d.attribute == nil, let subject = d.subject else {
                out.append(d)
                continue
            }
            let lead = d.clause.lowerBound..<d.q.range.lowerBound
            let shared = c.firstIndex(of: ["均"], in: lead) != nil || c.firstIndex(of: "分别".scalars, in: lead) != nil
            let words = Array(subject.unicodeScalars)
            var members: [[Unicode.Scalar]] = []
            var start = 0
            for (k, x) in words.enumerated() where x == "、" || (shared && (x == "和" || x == "及" || x == "与")) {
                members.append(Array(words[start..<k]))
                start = k + 1
            }
            members.append(Array(words[start...]))
            guard members.count >= 2, members.count <= 6, members.allSatisfy({ $0.count >= 2 }) else {
                out.append(d)
                continue
            }
            if !shared {
                guard d.q.unit == "%",
                    members.allSatisfy({ TargetBuilder.rates.match($0, endingAt: $0.count, from: 0) != nil })
                else {
                    out.append(d)
                    continue
                }
            }
            // A shared head after the last member completes short earlier ones: 城镇和农村居民人均可支配收入.
            let last = members[members.count - 1]
            for (k, m) in members.enumerated() {
                var e = d
                var name = m
                if k < members.count - 1 && m.count <= 3 && last.count > m.count + 1 {
                    name += last[m.count...]
                }
                e.subject = String(String.UnicodeScalarView(name))
                e.subjectRule = .sharedFigure
                e.member = k
                out.append(e)
            }
        }
        drafts = out
    }

    /// A figure that qualifies the noun after it (30亿元以上的强优企业, 10万元以上村): bound by 以上 or 超, then 的 or
    /// the noun straight after, with no verb or list between it and the next figure.
    func isThresholdModifier(_ prev: Draft, before q: Quantity) -> Bool {
        // A project's measure (占地均超过10亩的小游园) describes the thing; the noun after it is counted alone.
        // 公交站点500米覆盖率95%: a figure right before a rate's noun is part of the rate's name.
        let rateFollows =
            prev.q.range.upperBound < q.range.lowerBound && Scalars.isHan(c[prev.q.range.upperBound])
            && TargetBuilder.rates.firstMatch(c, in: prev.q.range.upperBound..<q.range.lowerBound) != nil
        guard prev.attribute == nil, prev.q.comparator == .atLeast || prev.comparator == .atLeast || rateFollows
        else { return false }
        var k = prev.q.range.upperBound
        guard k < q.range.lowerBound else { return false }
        if c[k] == "的" { k += 1 }
        guard k < q.range.lowerBound, Scalars.isHan(c[k]),
            TargetBuilder.levelVerbs.match(c, at: k, limit: q.range.lowerBound) == nil,
            TargetBuilder.actionVerbs.match(c, at: k, limit: q.range.lowerBound) == nil
        else { return false }
        return !(prev.q.range.upperBound..<q.range.lowerBound).contains {
            Scalars.isClauseEnd(c[$0]) || c[$0] == "、"
        }
    }

    /// Whether words are only verbs and the words that join them: 改造, 新建和改造提升, 新建、改扩建.
    static func onlyVerbs(_ words: String) -> Bool {
        let s = Array(words.unicodeScalars)
        var k = 0
        while k < s.count {
            if let m = actionVerbs.match(s, at: k, limit: s.count) {
                k += actionVerbs.words[m].count
            } else if let m = levelVerbs.match(s, at: k, limit: s.count) {
                k += levelVerbs.words[m].count
            } else if k > 0 && (s[k] == "和" || s[k] == "、" || s[k] == "及" || s[k] == "与") {
                k += 1
            } else {
                return false
            }
        }
        return !s.isEmpty
    }

    /// 总投资4000万 and 占地面积6.56万平方米 describe a project; 固定资产投资 is a measure of its own.
    /// The attribute noun must start its clause or follow a verb, 的, a project's name or a list mark.
    func attributeStandsAlone(_ p: Int, _ segment: Range<Int>) -> Bool {
        if p <= segment.lowerBound { return true }
        let before = c[p - 1]
        if before == "的" || before == "、" || Scalars.isClauseEnd(before) || Scalars.isCloseQuote(before) { return true }
        if TargetBuilder.actionVerbs.match(c, endingAt: p, from: segment.lowerBound) != nil { return true }
        // A verb that leads to a project: 全力推进占地面积6.56万平方米的…项目.
        if let v = ProjectFinder.lead.match(c, endingAt: p, from: segment.lowerBound),
            ProjectFinder.lead.words[v].count >= 2
        {
            return true
        }
        return ProjectFinder.suffixes.match(c, endingAt: p, from: segment.lowerBound) != nil
    }

    /// In a table, a figure alone in its cell is described by the cell before: | 地区生产总值增长 | 7%左右 |.
    func borrowFromPreviousCell(_ d: inout Draft, line: Range<Int>) {
        guard (d.subject ?? "").isEmpty, d.clause.lowerBound > line.lowerBound,
            Scalars.isCellBoundary(c[d.clause.lowerBound - 1])
        else {
            return
        }
        let end = d.clause.lowerBound - 1
        var start = end
        while start > line.lowerBound && !Scalars.isCellBoundary(c[start - 1]) && !Scalars.isSentenceEnd(c[start - 1]) {
            start -= 1
        }
        // "地区生产总值增长 | 6%左右": the verb at the end of the label cell is the action.
        var nounEnd = end
        if let v = TargetBuilder.levelVerbs.match(c, endingAt: end, from: start) {
            nounEnd = end - TargetBuilder.levelVerbs.words[v].count
            if d.action == nil { d.action = TargetBuilder.levelVerbs.words[v].string }
        }
        let subject = cleanSubject(start..<nounEnd)
        guard !subject.isEmpty, start < end else { return }
        d.subject = subject
        d.subjectRule = .previousCell
        d.textStart = start
    }

    func hasNumber(_ r: Range<Int>) -> Bool { r.contains { Scalars.isDigit(c[$0]) } }

    /// The noun a measure word counts: 1个区级文化示范村 → 区级文化示范村; 一次丰富多彩的文化演出 → 文化演出.
    func nounAfter(_ i: Int, _ clause: Range<Int>) -> String {
        var e = i
        if e < clause.upperBound && c[e] == "的" { e += 1 }
        let s = e
        while e < clause.upperBound && !Scalars.isClauseEnd(c[e]) && c[e] != "、" && !Scalars.isDigit(c[e]) {
            e += 1
        }
        var start = s
        // After the last 的: 丰富多彩的文化演出 → 文化演出.
        if let p = c.lastIndex(of: ["的"], in: s..<e) { start = p + 1 }
        var text = Array(c[start..<e])
        // Drop what follows the noun: 高标准全覆盖, 入驻园区.
        // 省级以上科技企业孵化器, 规模以上企业: 以上 with a noun after it is the noun's rank, not a bound.
        var from = 2
        while text.count > from, let (p, m) = TargetBuilder.afterNoun.firstMatch(text, in: from..<text.count) {
            let w = TargetBuilder.afterNoun.words[m]
            if (w == "以上".scalars || w == "左右".scalars) && p + w.count < text.count && Scalars.isHan(text[p + w.count])
            {
                from = p + w.count
                continue
            }
            // 7个项目开工建设, 3个项目建成投产: the stage a count reaches is part of what is counted.
            let stage = w == "开工".scalars || w == "投产".scalars || w == "竣工".scalars
            text = Array(text[0..<(stage ? p + w.count : p)])
            break
        }
        // The next item's joining word: 认定6家市级重点实验室和10家….
        while let last = text.last, ["和", "及", "与", "并"].contains(last), text.count > 2 { text.removeLast() }
        return String(
            String.UnicodeScalarView(
                text.filter { !Scalars.isOpenQuote($0) && !Scalars.isCloseQuote($0) }))
    }

    /// A subject from the words before a figure: drops the clause's time, modality, scope and comparator words.
    func cleanSubject(_ r: Range<Int>) -> String {
        var s = r.lowerBound
        var e = r.upperBound
        var changed = true
        while changed && s < e {
            changed = false
            while s < e
                && (Scalars.isSpace(c[s]) || Scalars.isClosing(c[s]) || Scalars.isOpenQuote(c[s])
                    || c[s] == "的" || Numbering.circled.contains(c[s]))
            {
                s += 1
                changed = true
            }
            // A list's joining word left at the front: 和续建, 以及乡镇综合文化站.
            if let m = TargetBuilder.joiners.match(c, at: s, limit: e), e - s > TargetBuilder.joiners.words[m].count + 1
            {
                s += TargetBuilder.joiners.words[m].count
                changed = true
            }
            // Leading years and time words: 2015年, 到2017年底, 全年.
            if s < e && (c[s] == "到" || c[s] == "至") && s + 1 < e && Scalars.isDigit(c[s + 1]) {
                s += 1; changed = true
            }
            if s < e, Scalars.isDigit(c[s]) {
                var k = s
                while k < e && Scalars.isDigit(c[k]) { k += 1 }
                if k < e && c[k] == "年" {
                    k += 1
                    for w in ["年底前", "年底", "底前", "底", "度", "末"] where c.has(w.scalars, at: k) {
                        k += w.scalars.count; break
                    }
                    s = min(k, e)
                    changed = true
                }
            }
            if let m = TargetBuilder.noise.match(c, at: s, limit: e) {
                s += TargetBuilder.noise.words[m].count
                changed = true
            }
            if let m = QuantityScanner.before.match(c, at: s, limit: e) {
                s += QuantityScanner.before.words[m].count
                changed = true
            }
            if let m = TargetBuilder.actionVerbs.match(c, at: s, limit: e),
                e - s > TargetBuilder.actionVerbs.words[m].count + 1
            {
                s += TargetBuilder.actionVerbs.words[m].count
                changed = true
            }
            // A verb that leads into the clause's object: 推动外贸进出口总额达42亿元, 推进清泉片区….
            if let m = TargetBuilder.pushVerbs.match(c, at: s, limit: e),
                e - s > TargetBuilder.pushVerbs.words[m].count + 1
            {
                s += TargetBuilder.pushVerbs.words[m].count
                changed = true
            }
        }
        // Trailing comparator words, 为, 达, 共计.
        changed = true
        while changed && e > s {
            changed = false
            if let m = QuantityScanner.before.match(c, endingAt: e, from: s),
                !(QuantityScanner.before.words[m].count == 1 && e - 2 >= s
                    && QuantityScanner.wordsEndingInYue.contains(c[e - 2]) && c[e - 1] == "约")
            {
                e -= QuantityScanner.before.words[m].count
                changed = true
            }
            if let m = TargetBuilder.trailing.match(c, endingAt: e, from: s),
                e - s > TargetBuilder.trailing.words[m].count
            {
                e -= TargetBuilder.trailing.words[m].count
                changed = true
            }
            while e > s
                && (Scalars.isClosing(c[e - 1]) || Scalars.isOpenQuote(c[e - 1]) || c[e - 1] == "的")
            {
                e -= 1
                changed = true
            }
        }
        // A list counted by one figure is the subject whole (首台套装备、首批次新材料、首版次软件300项); a rate at
        // its end measures the last item's scope: 主要街头路面、要害部位、复杂场所技防覆盖率 → 复杂场所技防覆盖率.
        if let p = c.lastIndex(of: ["、"], in: s..<e), e - p > 2,
            TargetBuilder.rates.match(c, endingAt: e, from: p + 1) != nil,
            TargetBuilder.rates.match(c, endingAt: p, from: s) == nil
        {
            s = p + 1
        }
        // 乌河入湖口二期、支脉河河道等人工湿地: the words before 等 are examples of what is counted.
        if let p = c.lastIndex(of: ["等"], in: s..<e), e - p > 2, p > s, c.firstIndex(of: ["、"], in: s..<p) != nil {
            s = p + 1
        }
        guard s < e else { return "" }
        return String(
            String.UnicodeScalarView(
                c[s..<e].filter { !Scalars.isOpenQuote($0) && !Scalars.isCloseQuote($0) }))
    }

    /// A year the clause states before the figure: 2015年建成, 到2017年.
    func explicitYear(_ r: Range<Int>) -> Int? {
        var k = r.lowerBound
        while k + 4 < r.upperBound + 1 {
            if Scalars.isDigit(c[k]) && (k == 0 || !Scalars.isDigit(c[k - 1])),
                let v = Cleaner.readInt(c, k, r.upperBound),
                v.end - k == 4, v.value >= 1949, v.value <= 2100, v.end < c.count, c[v.end] == "年"
            {
                return v.value
            }
            k += 1
        }
        return nil
    }
}

extension Array where Element == Unicode.Scalar {
    var string: String { string(0..<count) }
}
