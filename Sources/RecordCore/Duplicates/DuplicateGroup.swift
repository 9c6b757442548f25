/// Two records found to be duplicates, with how sure and why.
public struct DuplicatePair: Sendable, Equatable {
    public var first: String
    public var second: String
    /// 1 for equal normalised values; the name similarity when only names agree.
    public var score: Double
    /// Every piece of evidence, e.g. ["names 0.93 similar", "same phone digits"].
    public var reasons: [String]
    public init(first: String, second: String, score: Double, reasons: [String]) {
        self.first = first; self.second = second; self.score = score; self.reasons = reasons
    }
    /// The reasons as one phrase: "names 0.93 similar and same phone digits".
    public var reason: String { reasons.joined(separator: " and ") }
    public var json: JSONValue {
        [
            "records": [.string(first), .string(second)], "score": .double(score.rounded(toPlaces: 3)),
            "reason": .string(reason),
        ]
    }
}

/// Records that are the same real-world thing under the scan's rules: linked by pairs.
public struct DuplicateGroup: Sendable, Equatable {
    /// Member record ids, oldest first (the default survivor is the first).
    public var recordIDs: [String]
    /// The weakest pair's score: the group is only as sure as its least sure link.
    public var score: Double
    public var pairs: [DuplicatePair]
    public init(recordIDs: [String], score: Double, pairs: [DuplicatePair]) {
        self.recordIDs = recordIDs; self.score = score; self.pairs = pairs
    }
    /// The weakest pair's reason, which explains the group's score.
    public var reason: String { pairs.min { $0.score < $1.score }?.reason ?? "" }
    public var json: JSONValue {
        [
            "records": .array(recordIDs.map(JSONValue.string)), "score": .double(score.rounded(toPlaces: 3)),
            "reason": .string(reason),
            "pairs": .array(pairs.map(\.json)),
        ]
    }
}

/// The outcome of a duplicate scan.
public struct DuplicateReport: Sendable, Equatable {
    public var type: String
    public var rules: [String]
    /// How many records were scanned.
    public var scanned: Int
    public var groups: [DuplicateGroup]
    /// Blocks of names too common to compare pairwise (skipped), and similar notes.
    public var warnings: [String]
    public init(type: String, rules: [String], scanned: Int, groups: [DuplicateGroup], warnings: [String] = []) {
        self.type = type; self.rules = rules; self.scanned = scanned; self.groups = groups; self.warnings = warnings
    }
    public var json: JSONValue {
        [
            "type": .string(type), "rules": .array(rules.map(JSONValue.string)), "scanned": .int(Int64(scanned)),
            "groups": .array(groups.map(\.json)), "warnings": .array(warnings.map(JSONValue.string)),
        ]
    }
}

extension Double {
    /// Rounded to `places` decimals (for reports).
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
