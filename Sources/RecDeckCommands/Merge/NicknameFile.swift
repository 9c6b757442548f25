import Foundation
import RecordCore

/// The nickname list: the shipped `nicknames.txt` (built in), then `$XDG_CONFIG_HOME/recdeck/nicknames.txt`
/// and a file given with `--nicknames` when present (same format: one group per line, formal name first).
enum NicknameFile {
    static var userFile: URL {
        XDGFolder.recdeck("XDG_CONFIG_HOME", fallback: ".config").appendingPathComponent("nicknames.txt")
    }

    /// The shipped list joined with the user's; a given file that cannot be read is an error.
    static func table(extraFile: String? = nil) throws -> NicknameTable {
        // The shipped list is built into the binary (`PackageResources`), so a copied binary has it too.
        var tables = [NicknameTable(text: String(decoding: PackageResources.nicknames_txt, as: UTF8.self))]
        if let text = try? String(contentsOf: userFile, encoding: .utf8) { tables.append(NicknameTable(text: text)) }
        if let extraFile {
            guard let data = FileManager.default.contents(atPath: extraFile) else {
                throw CLIError("cannot read nickname file \(extraFile)", status: .usage)
            }
            tables.append(NicknameTable(text: String(decoding: data, as: UTF8.self)))
        }
        return NicknameTable(tables)
    }
}
