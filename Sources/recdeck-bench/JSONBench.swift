import Foundation
import RecordCore

/// `recdeck-bench json [--count N] [--rounds R]`: the strict JSON reader's throughput (MB/s) beside
/// Foundation's JSONSerialization on the same JSONL lines, in the same run, alternating rounds so load
/// on a shared machine falls on both. Each side builds a full tree per line.
enum JSONBench {
    static func run(count: Int, rounds: Int) throws {
        let lines = (0..<count).map { i -> [UInt8] in
            let first = ["Jane", "John", "Maria", "Wei", "Aisha", "Lars", "Sofia", "Kenji"][i % 8]
            return Array(
                #"{"email":"user\#(i)@example.com","first_name":"\#(first)","last_name":"Smith \u00e9\#(i % 97)","#
                    .utf8)
                + Array(
                    #""phone":"+1 555 \#(i)","score":\#(i % 100),"ratio":\#(Double(i) / 7),"tags":["a","vip"],"#.utf8)
                + Array(#""address":{"street":"\#(i) Main St","city":"Lakeside","zip":null},"active":true}"#.utf8)
        }
        let megabytes = Double(lines.reduce(0) { $0 + $1.count + 1 }) / 1_048_576
        print(String(format: "%d JSONL lines, %.1f MB", count, megabytes))
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var ours: [Double] = [], foundation: [Double] = []
        for _ in 0..<rounds {
            ours.append(
                try time {
                    for line in lines { _ = try JSONValue.parse(line) }
                })
            foundation.append(
                try time {
                    for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line), options: []) }
                })
        }
        let best = (ours.min()!, foundation.min()!)
        print(
            String(
                format: "recdeck JSONParser     %6.2f s  %6.1f MB/s\nFoundation JSONSerial. %6.2f s  %6.1f MB/s",
                best.0, megabytes / best.0, best.1, megabytes / best.1))
        print(
            String(
                format: "ratio (JSONParser time / JSONSerialization time): %.2f×  (best of %d rounds)", best.0 / best.1,
                rounds))
    }
}
