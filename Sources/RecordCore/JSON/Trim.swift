extension String {
    /// The string without leading and trailing whitespace and newlines. Pure Swift: Foundation's
    /// `trimmingCharacters` goes through NSString on Linux and dominated import profiles.
    var trimmed: String {
        // Fast path: printable ASCII at both ends (no Unicode property lookups).
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return self
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        if first == scalars.startIndex, let lastScalar = scalars.last, !lastScalar.properties.isWhitespace {
            return self
        }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
