import Foundation
import RecordCore
import Testing

@Suite struct RecordIDTests {
    @Test func idsAreTimeOrderedUUIDv7() throws {
        var rng = SystemRandomNumberGenerator()
        let t = Date(timeIntervalSince1970: 1_790_000_000.123)
        let id = RecordID.make(now: t, random: &rng)
        #expect(
            id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(id)")
        // The first 48 bits are the milliseconds.
        let ms = UInt64(id.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)
        #expect(ms == 1_790_000_000_123)
        let later = RecordID.make(now: t.addingTimeInterval(0.002), random: &rng)
        #expect(id < later)
        #expect(Set((0..<1000).map { _ in RecordID.make(now: t, random: &rng) }).count == 1000)
    }
}
