import Foundation
import RecordTUI

/// Runs `$VISUAL` / `$EDITOR` (else `vi`) on a private temporary file and returns what was saved.
enum ExternalEditor {
    static func run(_ text: String) -> Result<String, ExternalEditError> {
        let env = ProcessInfo.processInfo.environment
        let editor =
            [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            ?? "vi"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recdeck-edit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("record.json")
            guard
                FileManager.default.createFile(
                    atPath: file.path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else {
                return .failure(ExternalEditError("cannot write \(file.path)"))
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // The editor may carry arguments (`code --wait`): the shell splits it; the file is passed safely as $1.
            process.arguments = ["-c", "\(editor) \"$1\"", "recdeck-editor", file.path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                return .failure(ExternalEditError("\(editor) exited with status \(process.terminationStatus)"))
            }
            let edited = try String(contentsOf: file, encoding: .utf8)
            return .success(edited.hasSuffix("\n") ? String(edited.dropLast()) : edited)
        } catch {
            return .failure(ExternalEditError("cannot run \(editor): \(error.localizedDescription)"))
        }
    }
}
