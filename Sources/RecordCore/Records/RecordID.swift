import Foundation

/// Record ids: `rec_` + 10 time-ordered and 8 random Crockford base32 characters.
public enum RecordID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// A new id for a record created at `now`; `random` supplies the random part.
    public static func make(now: Date, random: inout some RandomNumberGenerator) -> String {
        var out = "rec_"
        out.reserveCapacity(22)
        let ms = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        for shift in stride(from: 45, through: 0, by: -5) { out.append(alphabet[Int((ms >> UInt64(shift)) & 31)]) }
        let r = random.next()
        for shift in stride(from: 35, through: 0, by: -5) { out.append(alphabet[Int((r >> UInt64(shift)) & 31)]) }
        return out
    }
}
