import Foundation

/// The XDG base folders recdeck uses (`$XDG_DATA_HOME`, `$XDG_CONFIG_HOME`), each with its `$HOME` fallback.
enum XDGFolder {
    /// `$variable`, or `$HOME/fallback` when unset or empty; `recdeck/` below it.
    static func recdeck(_ variable: String, fallback: String) -> URL {
        let env = ProcessInfo.processInfo.environment
        // $HOME first: Foundation's homeDirectoryForCurrentUser reads the password database on Linux.
        let home =
            env["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        let base =
            env[variable].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent(fallback)
        return base.appendingPathComponent("recdeck")
    }
}
