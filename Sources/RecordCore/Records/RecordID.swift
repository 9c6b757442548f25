import Foundation

/// Record ids: UUIDv7 (RFC 9562) in lowercase hex — 48 bits of Unix milliseconds, then random bits —
/// so they sort by creation time and are the UUIDs Kizen's schema types `id` as.
public enum RecordID {
    private static let hex = Array("0123456789abcdef".utf8)

    /// A new id for a record created at `now`; `random` supplies the 74 random bits.
    public static func make(now: Date, random: inout some RandomNumberGenerator) -> String {
        let ms = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        let a = random.next(), b = random.next()
        // time_high(48) | version 7 (4) | rand_a (12)  ·  variant 10 (2) | rand_b (62)
        let high = ms << 16 | 0x7000 | (a & 0x0FFF)
        let low = 0x8000_0000_0000_0000 | (b & 0x3FFF_FFFF_FFFF_FFFF)
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var at = 0
        func put(_ word: UInt64, nibbles: Int, from shift: Int) {
            for n in 0..<nibbles {
                bytes[at] = hex[Int((word >> UInt64(shift - 4 * n)) & 15)]
                at += 1
            }
        }
        put(high, nibbles: 8, from: 60)
        at += 1
        put(high, nibbles: 4, from: 28)
        at += 1
        put(high, nibbles: 4, from: 12)
        at += 1
        put(low, nibbles: 4, from: 60)
        at += 1
        put(low, nibbles: 12, from: 44)
        return String(decoding: bytes, as: UTF8.self)
    }
}
