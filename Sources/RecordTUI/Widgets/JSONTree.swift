import RecordCore
import TerminalScreen

/// A JSON value as foldable lines (jless-like): containers open with `▾ key: {` and close with `}`;
/// a folded container is one line `▸ key: {…} 3 keys`.
public struct JSONTree {
    public struct Line: Equatable {
        public var path: JSONPath
        public var depth: Int
        public var key: String?
        public var value: JSONValue
        /// The closing bracket line of an open container.
        public var isClosing: Bool
    }

    public var root: JSONValue
    /// Paths of folded containers.
    public var folded: Set<JSONPath> = []

    public init(root: JSONValue) { self.root = root }

    /// The visible lines.
    public func lines() -> [Line] {
        var out: [Line] = []
        func walk(_ v: JSONValue, path: JSONPath, depth: Int, key: String?) {
            out.append(Line(path: path, depth: depth, key: key, value: v, isClosing: false))
            guard isContainer(v), !folded.contains(path) else { return }
            switch v {
            case .object(let o):
                for k in o.keys.sorted() { walk(o[k]!, path: path.appending(.key(k)), depth: depth + 1, key: k) }
            case .array(let a):
                for (i, e) in a.enumerated() {
                    walk(e, path: path.appending(.index(i)), depth: depth + 1, key: "[\(i)]")
                }
            default: break
            }
            out.append(Line(path: path, depth: depth, key: nil, value: v, isClosing: true))
        }
        walk(root, path: .root, depth: 0, key: nil)
        return out
    }

    public func isContainer(_ v: JSONValue) -> Bool {
        switch v {
        case .object, .array: return true;
        default: return false
        }
    }

    /// Every container path (for fold-all).
    public func containerPaths() -> [JSONPath] {
        var out: [JSONPath] = []
        func walk(_ v: JSONValue, _ path: JSONPath) {
            switch v {
            case .object(let o): out.append(path); for (k, e) in o { walk(e, path.appending(.key(k))) }
            case .array(let a): out.append(path); for (i, e) in a.enumerated() { walk(e, path.appending(.index(i))) }
            default: break
            }
        }
        walk(root, .root)
        return out
    }

    /// One line as styled spans.
    public func render(_ line: Line) -> StyledLine {
        var spans: [Span] = [Span(String(repeating: "  ", count: line.depth))]
        if line.isClosing {
            spans.append(Span(line.value.objectValue != nil ? "}" : "]", CellStyle(.dim)))
            return spans
        }
        let container = isContainer(line.value)
        spans.append(Span(container ? (folded.contains(line.path) ? "▸ " : "▾ ") : "  ", CellStyle(.accent)))
        if let k = line.key { spans.append(Span(k, CellStyle(.jsonKey, bold: true))); spans.append(Span(": ")) }
        switch line.value {
        case .object(let o):
            spans.append(
                folded.contains(line.path)
                    ? Span("{…} \(o.count) key\(o.count == 1 ? "" : "s")", CellStyle(.dim)) : Span("{"))
        case .array(let a):
            spans.append(
                folded.contains(line.path)
                    ? Span("[…] \(a.count) item\(a.count == 1 ? "" : "s")", CellStyle(.dim)) : Span("["))
        case .string: spans.append(Span(line.value.jsonText, CellStyle(.jsonString)))
        case .int, .double: spans.append(Span(line.value.jsonText, CellStyle(.jsonNumber)))
        case .bool: spans.append(Span(line.value.jsonText, CellStyle(.jsonBool)))
        case .null: spans.append(Span("null", CellStyle(.jsonNull)))
        }
        return spans
    }
}
