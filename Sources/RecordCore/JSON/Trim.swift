extension String {
    /// The string without leading and trailing whitespace and newlines. Pure Swift: Foundation's
    /// `trimmingCharacters` goes through NSString on Linux and dominated import profiles.
    var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        if first == scalars.startIndex, let lastScalar = scalars.last, !lastScalar.properties.isWhitespace {
            return self
        }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
