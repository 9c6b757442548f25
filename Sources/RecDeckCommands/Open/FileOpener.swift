import Foundation
import RecordCore
import RecordStore
import RecordTUI

/// Opening a file directly (`recdeck FILE.jsonl|.csv|.json`, DESIGN §6): the file is imported into a
/// cache database under `$XDG_CACHE_HOME/recdeck/`, named by the file's path, size and modification time
/// (and the `--key` and schema used), so an unchanged file opens its finished cache at once and a changed
/// one gets a new cache; older caches of the same path are removed only once the new one is complete. A
/// cache is complete when its `meta` says so: an import that was interrupted (Ctrl-C, a crash) leaves a
/// cache that is never used, and the next open imports again.
public struct FileOpener {
    let file: URL
    let keyPath: JSONPath?
    /// A schema (`--type-schema FILE`): its type instead of a schemaless one named after the file.
    let schema: ObjectType?
    let cacheFolder: URL

    static let extensions = ["jsonl", "ndjson", "json", "csv"]

    /// `$XDG_CACHE_HOME/recdeck` (or `~/.cache/recdeck`).
    public static var defaultCacheFolder: URL { XDGFolder.recdeck("XDG_CACHE_HOME", fallback: ".cache") }

    /// Checks the file and the options; every problem is one clear line.
    public init(path: String, key: String?, schemaFile: String?, cacheFolder: URL = defaultCacheFolder) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw CLIError("cannot open \(path): no such file")
        }
        guard !isDir.boolValue else { throw CLIError("cannot open \(path): it is a folder, not a file") }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw CLIError("cannot open \(path): the file is not readable")
        }
        guard Self.extensions.contains(url.pathExtension.lowercased()) else {
            throw CLIError(
                "cannot open \(path): recdeck opens .jsonl, .ndjson, .json and .csv files (or give a database with --db)",
                status: .usage)
        }
        file = url
        do { keyPath = try key.map { try JSONPath(parsing: $0) } } catch {
            throw CLIError("--key: \(error)", status: .usage)
        }
        if let schemaFile {
            guard let data = FileManager.default.contents(atPath: schemaFile) else {
                throw CLIError("cannot read the schema file \(schemaFile)")
            }
            do { schema = try ObjectType(json: JSONValue.parse(Array(data))) } catch {
                throw CLIError("\(schemaFile): not a type schema: \(error)", status: .usage)
            }
        } else {
            schema = nil
        }
        self.cacheFolder = cacheFolder
    }

    /// The type the file's records become: the schema's, else a schemaless one named after the file (with
    /// `--key` as its identifier, so upserts and duplicates work on the file).
    var objectType: ObjectType {
        get throws {
            if let schema { return schema }
            let base = file.deletingPathExtension().lastPathComponent.lowercased()
            var key = String(
                base.unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" })
            if key.isEmpty || key.first!.isNumber { key = "records" + (key.isEmpty ? "" : "_" + key) }
            var json: JSONObject = ["key": .string(key), "name": .string(file.lastPathComponent)]
            if let keyPath {
                json["identifiers"] = [["name": "key", "source": .string(keyPath.description), "normalize": "exact"]]
            }
            return try ObjectType(json: .object(json))
        }
    }

    /// The cache for this file as it is now: `<name>-<path hash>-<state hash>.sqlite`.
    func cachePath() throws -> (path: String, pathPrefix: String) {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let pathHash = Self.fnv(file.path)
        let state = Self.fnv(
            "\(size)|\(modified)|\(keyPath?.description ?? "")|\(schema.map { $0.json.jsonText } ?? "")")
        let name = file.deletingPathExtension().lastPathComponent.prefix(40)
        let prefix = "\(name)-\(pathHash)-"
        return (cacheFolder.appendingPathComponent(prefix + state + ".sqlite").path, prefix)
    }

    /// What opening found: the store, its type, and the import still to run (nil when the cache is complete).
    public struct Opened {
        public var store: RecordStore
        public var type: ObjectType
        public var session: FileImportRun?
    }

    /// Opens the finished cache, or starts a fresh one (an unfinished one is removed first).
    public func open() throws -> Opened {
        do {
            try FileManager.default.createDirectory(
                at: cacheFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError(
                "cannot create the cache folder \(cacheFolder.path): \(error.localizedDescription); set XDG_CACHE_HOME to a writable folder"
            )
        }
        guard FileManager.default.isWritableFile(atPath: cacheFolder.path) else {
            throw CLIError(
                "the cache folder \(cacheFolder.path) is not writable; set XDG_CACHE_HOME to a writable folder")
        }
        let (path, prefix) = try cachePath()
        let type = try objectType
        if FileManager.default.fileExists(atPath: path) {
            let store = try RecordStore.open(path: path, concurrentReads: true, pageSize: RecordStore.bulkPageSize)
            if try store.meta(Self.completeKey) == "1", let stored = try store.objectType(type.key) {
                return Opened(store: store, type: stored, session: nil)
            }
        }
        // No cache, or an unfinished one: start again from an empty file.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try RecordStore.open(path: path, concurrentReads: true, pageSize: RecordStore.bulkPageSize)
        try store.applyType(type)
        try store.setMeta("source_file", file.path)
        let importer = Importer(type: type.key, keyPath: keyPath, plainData: true)
        let session = try Importer.Session(importer, path: file.path, store: store, source: "open")
        let progress = ImportProgress(typeKey: type.key, fileName: file.lastPathComponent)
        // A file the import reads line by line is browsable from its lines while it imports: the first chunk
        // is scanned now, for the first screen; `runToEnd` scans the rest beside the import. A file read
        // otherwise (CSV, an array, one pretty-printed object) grows with the import instead.
        var lines: FileLines?
        if session.readsLines {
            lines = try FileLines(path: file.path)
            try lines?.scanNext()
        }
        return Opened(
            store: store, type: type,
            session: FileImportRun(
                session: session, progress: progress, lines: lines, store: store, cacheFolder: cacheFolder,
                keep: path, prefix: prefix))
    }

    static let completeKey = "import_complete"

    /// FNV-1a, 64 bits, in hex: a short stable name part.
    static func fnv(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}

/// The import of an opened file, batch by batch; it reports to `progress`, marks the cache complete at
/// the end, and then removes the file's older caches.
public final class FileImportRun: @unchecked Sendable {
    private var session: Importer.Session
    public let progress: ImportProgress
    /// The file's lines, for browsing before the import is done (JSONL only).
    public let lines: FileLines?
    let store: RecordStore
    let cacheFolder: URL
    let keep: String
    let prefix: String

    init(
        session: Importer.Session, progress: ImportProgress, lines: FileLines?, store: RecordStore, cacheFolder: URL,
        keep: String, prefix: String
    ) {
        self.session = session; self.progress = progress; self.lines = lines; self.store = store
        self.cacheFolder = cacheFolder
        self.keep = keep; self.prefix = prefix
    }

    /// Imports one batch; false once the file is done (the cache then marked complete).
    public func step() throws -> Bool {
        guard try session.nextBatch() != nil else {
            try finish()
            return false
        }
        let fraction = session.fileSize > 0 ? Double(session.bytesConsumed) / Double(session.fileSize) : 1
        report(session.summary, fraction: min(1, fraction))
        return true
    }

    /// What the import has done, for the Records view.
    private func report(_ s: ImportSummary, fraction: Double, finished: Bool = false) {
        progress.update {
            $0.rows = s.items; $0.fraction = fraction; $0.errors = s.errors; $0.refused = s.failed
            $0.seconds = s.seconds; $0.finished = finished
        }
    }

    /// Runs every batch (on the caller's thread) as one import stream (`Importer.Session.runToEnd`: a batch
    /// is planned while the one before commits; the user's saves get a turn every 100 ms), with the rest of
    /// the file's lines scanned on another thread; a failure is reported, never thrown away (after a failed
    /// scan the grid shows the import's rows).
    public func runToEnd() {
        if let lines, !lines.isComplete { Thread.detachNewThread { lines.scanToEnd() } }
        do {
            let fileSize = session.fileSize
            try session.runToEnd(summarised: { summary, bytes in
                report(summary, fraction: fileSize > 0 ? min(1, Double(bytes) / Double(fileSize)) : 1)
            })
            try finish()
        } catch { progress.update { $0.failure = "\(error)" } }
    }

    private func finish() throws {
        let summary = session.finish()
        try store.setMeta(FileOpener.completeKey, "1")
        // The complete cache in its file alone: its log is not left for the next opening to read (a process
        // that ended without closing the store left up to 17 MB of it, and reopening took 60 ms more).
        _ = try? store.checkpoint()
        // The new cache is complete: older caches of the same file (with their -wal and -shm) go.
        let kept = URL(fileURLWithPath: keep).lastPathComponent
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cacheFolder.path)) ?? []
        where name.hasPrefix(prefix) && ![kept, kept + "-wal", kept + "-shm"].contains(name) {
            try? FileManager.default.removeItem(atPath: cacheFolder.appendingPathComponent(name).path)
        }
        report(summary, fraction: 1, finished: true)
    }
}
