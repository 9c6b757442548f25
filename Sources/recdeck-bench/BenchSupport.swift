import Foundation

/// Ends the benchmark with a message on stderr and status 2.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("recdeck-bench: \(message)\n".utf8))
    exit(2)
}

/// Seconds `body` took.
func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
