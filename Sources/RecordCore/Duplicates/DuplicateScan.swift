/// Finds duplicate groups among the records fed to it (DESIGN §6, issue 6). Pure: the store feeds each
/// record's values in insertion order and asks for the groups; nothing here reads a database.
///
/// Key conditions never compare pairs: each normalised value remembers the first record that held it
/// (its anchor), so grouping a million records is one dictionary probe per value. Fuzzy names compare
/// only names sharing a blocking key (see `NameSimilarity.blockingKeys`), each distinct name once.
public struct DuplicateScan {
    public let rules: [DuplicateRule]
    /// The distinct key conditions of all rules: `add` takes one raw value per entry, in this order.
    public let keys: [DuplicateKey]
    /// True when a rule compares names: `add` must be given each record's name.
    public let needsNames: Bool
    /// Blocks with more distinct names than this are skipped (a token so common it says nothing).
    public var blockLimit = 2000

    private var ids: [String] = []
    /// Per key: each record's anchor (the first record holding its value), -1 when it has no value.
    private var anchors: [[Int32]]
    /// Per key: further anchors of records with several values (multi-valued identifiers).
    private var extraAnchors: [[Int32: [Int32]]]
    private var firstHolder: [[String: Int32]]
    /// Per record: its distinct normalised name's index, -1 when it has none.
    private var nameOf: [Int32] = []
    private var distinctNames: [[UInt32]] = []
    private var distinctTokens: [[String]] = []
    private var firstWithName: [Int32] = []
    private var nameIndex: [String: Int32] = [:]

    public init(rules: [DuplicateRule]) {
        self.rules = rules
        var keys: [DuplicateKey] = []
        var names = false
        for rule in rules {
            for c in rule.conditions {
                switch c {
                case .key(let k): if !keys.contains(k) { keys.append(k) }
                case .similarName: names = true
                }
            }
        }
        self.keys = keys
        self.needsNames = names
        anchors = Array(repeating: [], count: keys.count)
        extraAnchors = Array(repeating: [:], count: keys.count)
        firstHolder = Array(repeating: [:], count: keys.count)
    }

    /// Makes room for `count` records up front (a million-record scan otherwise spends a fifth of its
    /// time growing its tables).
    public mutating func reserve(_ count: Int) {
        ids.reserveCapacity(count)
        for k in keys.indices { anchors[k].reserveCapacity(count); firstHolder[k].reserveCapacity(count) }
        if needsNames { nameOf.reserveCapacity(count) }
    }

    /// How many records were added.
    public var count: Int { ids.count }

    /// Adds a record: `values[k]` is its raw value at `keys[k].source`.
    public mutating func add(id: String, name: String?, values: [JSONValue?]) {
        let index = Int32(ids.count)
        ids.append(id)
        for k in keys.indices {
            let raw = keys[k].derived(k < values.count ? values[k] : nil)
            if case .array? = raw {
                // Multi-valued: an anchor per value.
                var own: [Int32] = []
                for value in keys[k].keys(ofDerived: raw) { own.append(anchor(k, value, index)) }
                anchors[k].append(own.first ?? -1)
                if own.count > 1 { extraAnchors[k][index] = Array(own.dropFirst()) }
            } else if let raw, let value = keys[k].normalize.apply(raw) {
                anchors[k].append(anchor(k, value, index))
            } else {
                anchors[k].append(-1)
            }
        }
        guard needsNames else { return }
        let tokens = name.map(NameSimilarity.tokens) ?? []
        guard !tokens.isEmpty else { nameOf.append(-1); return }
        let text = tokens.joined(separator: " ")
        if let n = nameIndex[text] { nameOf.append(n); return }
        let n = Int32(distinctNames.count)
        nameIndex[text] = n
        distinctNames.append(Array(text.unicodeScalars.map(\.value)))
        distinctTokens.append(tokens)
        firstWithName.append(index)
        nameOf.append(n)
    }

    /// The first record holding `value` under key `k` (this one, when it is the first): one hash probe.
    private mutating func anchor(_ k: Int, _ value: String, _ index: Int32) -> Int32 {
        func read(_ slot: inout Int32) -> Int32 { slot }
        return read(&firstHolder[k][value, default: index])
    }

    private func anchorsOf(_ k: Int, _ r: Int32) -> [Int32] {
        let a = anchors[k][Int(r)]
        guard a >= 0 else { return [] }
        return [a] + (extraAnchors[k][r] ?? [])
    }

    private func shares(_ k: Int, _ a: Int32, _ b: Int32) -> Bool {
        let x = anchors[k][Int(a)], y = anchors[k][Int(b)]
        guard x >= 0, y >= 0 else { return false }
        if x == y { return true }
        if extraAnchors[k][a] == nil && extraAnchors[k][b] == nil { return false }
        return !Set(anchorsOf(k, a)).isDisjoint(with: anchorsOf(k, b))
    }

    private func nameSimilarity(_ a: Int32, _ b: Int32) -> Double {
        let x = nameOf[Int(a)], y = nameOf[Int(b)]
        guard x >= 0, y >= 0 else { return 0 }
        return x == y ? 1 : NameSimilarity.jaroWinkler(distinctNames[Int(x)], distinctNames[Int(y)])
    }

    /// The score of a pair under one rule, nil when the rule does not hold.
    private func score(_ rule: DuplicateRule, _ a: Int32, _ b: Int32, similarity: Double?) -> Double? {
        var score = 1.0
        for c in rule.conditions {
            switch c {
            case .key(let key):
                guard shares(keys.firstIndex(of: key)!, a, b) else { return nil }
            case .similarName(let t):
                let s = similarity ?? nameSimilarity(a, b)
                guard s >= t else { return nil }
                score = min(score, s)
            }
        }
        return score
    }

    /// The best score of the rules a pair satisfies, nil when none holds.
    private func bestScore(_ a: Int32, _ b: Int32, similarity known: Double? = nil) -> Double? {
        let similarity = needsNames ? known ?? nameSimilarity(a, b) : nil
        return rules.compactMap { score($0, a, b, similarity: similarity) }.max()
    }

    /// The pair as reported: every rule's evidence, scored by the best rule that holds.
    private func pair(_ a: Int32, _ b: Int32, score: Double) -> DuplicatePair {
        var reasons: [String] = []
        if needsNames, let t = rules.compactMap(\.nameThreshold).min() {
            let similarity = nameSimilarity(a, b)
            if similarity >= t {
                reasons.append(
                    similarity >= 1
                        ? "same name ignoring case and accents" : "names \(String(format2: similarity)) similar")
            }
        }
        for (k, key) in keys.enumerated() where shares(k, a, b) { reasons.append(key.reason) }
        return DuplicatePair(first: ids[Int(a)], second: ids[Int(b)], score: score, reasons: reasons)
    }

    /// A found pair, kept small until the groups are known (a fuzzy pass can find millions).
    private struct Link { var a: Int32; var b: Int32; var score: Double }

    /// Groups of duplicates, surest first. `shouldContinue` is called now and then with the fraction done;
    /// returning false cancels the scan (the result is then nil).
    public func groups(shouldContinue: (Double) -> Bool = { _ in true }) -> (
        groups: [DuplicateGroup], warnings: [String]
    )? {
        var links: [Link] = []
        // Only several rules or multi-valued keys can find one pair twice.
        let mayRepeat = rules.count > 1 || extraAnchors.contains { !$0.isEmpty }
        var seen = Set<UInt64>()
        var warnings: [String] = []
        var work = 0
        func consider(_ a: Int32, _ b: Int32, similarity: Double? = nil) -> Bool {
            guard a != b else { return true }
            let (x, y) = a < b ? (a, b) : (b, a)
            if !mayRepeat || seen.insert(UInt64(UInt32(x)) << 32 | UInt64(UInt32(y))).inserted,
                let score = bestScore(x, y, similarity: similarity)
            {
                links.append(Link(a: x, b: y, score: score))
            }
            work += 1
            return work & 4095 != 0 || shouldContinue(progress)
        }
        var progress = 0.0
        for (r, rule) in rules.enumerated() {
            let share = 1.0 / Double(rules.count)
            let base = Double(r) * share
            if let firstKey = rule.keys.first {
                // Buckets of records sharing a value of the rule's first key; the other conditions are
                // checked within a bucket.
                let k = keys.firstIndex(of: firstKey)!
                var buckets: [Int32: [Int32]] = [:]
                for (i, a) in anchors[k].enumerated() where a >= 0 && a != Int32(i) {
                    buckets[a, default: [a]].append(Int32(i))
                }
                for (i, extra) in extraAnchors[k] { for a in extra where a != i { buckets[a, default: [a]].append(i) } }
                let keyOnly = rule.conditions.count == 1
                var done = 0
                for anchor in buckets.keys.sorted() {
                    let members = buckets[anchor]!
                    done += 1
                    progress = base + share * Double(done) / Double(buckets.count)
                    if keyOnly {
                        for m in members.dropFirst() { guard consider(anchor, m) else { return nil } }
                    } else if members.count > blockLimit {
                        warnings.append(
                            "\(members.count) records share one \(firstKey.label); too many to compare pairwise under \(rule), skipped"
                        )
                    } else {
                        for i in members.indices {
                            for j in members.indices where j > i {
                                guard consider(members[i], members[j]) else { return nil }
                            }
                        }
                    }
                }
            } else {
                // Names only: identical names first, then similar names within blocks.
                for (i, n) in nameOf.enumerated() where n >= 0 && firstWithName[Int(n)] != Int32(i) {
                    guard consider(firstWithName[Int(n)], Int32(i)) else { return nil }
                }
                var blockIDs: [String: Int32] = [:]
                var blocks: [[Int32]] = []
                var blocksOf: [[Int32]] = []
                for (n, tokens) in distinctTokens.enumerated() {
                    var mine: [Int32] = []
                    for key in NameSimilarity.blockingKeys(tokens: tokens) {
                        let b: Int32
                        if let existing = blockIDs[key] {
                            b = existing
                        } else {
                            b = Int32(blocks.count); blockIDs[key] = b; blocks.append([])
                        }
                        blocks[Int(b)].append(Int32(n))
                        mine.append(b)
                    }
                    blocksOf.append(mine.sorted())
                }
                let threshold = rule.nameThreshold ?? DuplicateRule.defaultThreshold
                var skipped = 0
                for (b, members) in blocks.enumerated() {
                    progress = base + share * Double(b + 1) / Double(max(1, blocks.count))
                    guard members.count > 1 else { continue }
                    if members.count > blockLimit { skipped += 1; continue }
                    for i in members.indices {
                        let u = members[i]
                        for j in members.indices where j > i {
                            let v = members[j]
                            work += 1
                            if work & 4095 == 0, !shouldContinue(progress) { return nil }
                            // Compare each pair of names once: in the first block they share.
                            guard firstShared(blocksOf[Int(u)], blocksOf[Int(v)]) == Int32(b) else { continue }
                            let similarity = NameSimilarity.jaroWinkler(distinctNames[Int(u)], distinctNames[Int(v)])
                            guard similarity >= threshold else { continue }
                            guard consider(firstWithName[Int(u)], firstWithName[Int(v)], similarity: similarity) else {
                                return nil
                            }
                        }
                    }
                }
                if skipped > 0 {
                    warnings.append(
                        "\(skipped) name blocks with over \(blockLimit) names were not compared pairwise (tokens too common to tell people apart)"
                    )
                }
            }
        }
        return (group(links), warnings)
    }

    private func firstShared(_ a: [Int32], _ b: [Int32]) -> Int32 {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { return a[i] }
            if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return -1
    }

    /// Joins pairs into groups (union–find), surest pairs first, members in insertion order, surest and
    /// largest groups first. Equal values are transitive, similar names are not: a pair below 1 joins two
    /// groups only when their first members' names are similar too, so a chain of near names
    /// (Jon ~ John ~ Joan ~ Jean) does not grow into one huge group.
    private func group(_ links: [Link]) -> [DuplicateGroup] {
        let threshold = rules.compactMap(\.nameThreshold).min()
        var parent: [Int32: Int32] = [:]
        func root(_ x: Int32) -> Int32 {
            var r = x
            while let p = parent[r], p != r { r = p }
            var y = x
            while let p = parent[y], p != r { parent[y] = r; y = p }
            return r
        }
        let order = links.indices.sorted {
            links[$0].score != links[$1].score ? links[$0].score > links[$1].score : $0 < $1
        }
        var accepted: [Int] = []
        for i in order {
            let l = links[i]
            let ra = root(l.a), rb = root(l.b)
            if ra != rb {
                if l.score < 1, let threshold, nameSimilarity(ra, rb) < threshold { continue }
                parent[max(ra, rb)] = min(ra, rb)
                if parent[min(ra, rb)] == nil { parent[min(ra, rb)] = min(ra, rb) }
            }
            accepted.append(i)
        }
        var members: [Int32: [Int32]] = [:]
        for r in parent.keys { members[root(r), default: []].append(r) }
        var pairsOf: [Int32: [DuplicatePair]] = [:]
        for i in accepted.sorted() {
            pairsOf[root(links[i].a), default: []].append(pair(links[i].a, links[i].b, score: links[i].score))
        }
        return members.keys.sorted().map { r in
            let ps = pairsOf[r] ?? []
            return DuplicateGroup(
                recordIDs: members[r]!.sorted().map { ids[Int($0)] }, score: ps.map(\.score).min() ?? 1, pairs: ps)
        }.sorted { ($0.score, $0.recordIDs.count) > ($1.score, $1.recordIDs.count) }
    }
}

extension String {
    /// Two decimals ("0.93").
    public init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        self = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
