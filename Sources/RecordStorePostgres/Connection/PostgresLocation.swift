import Foundation

/// Where a PostgreSQL store lives: a `postgres://` URL completed the way libpq completes one — `PGHOST`,
/// `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, then `~/.pgpass` (or `PGPASSFILE`) for the password, read
/// only when nobody else may read it (0600). The password is never shown: `description` redacts it.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// The PostgreSQL schema recdeck's tables live in (`?schema=`; default `recdeck`).
    public var schema: String
    /// `?sslmode=`: `disable`, `prefer` or `require` (default `prefer`, as libpq).
    public var sslMode: SSLMode
    /// Seconds to wait for the server to answer a connection (`?connect_timeout=`, default 5).
    public var connectTimeout: Int

    public enum SSLMode: String, Sendable { case disable, prefer, require }

    /// The schema recdeck uses unless the URL names another.
    public static let defaultSchema = "recdeck"

    /// True when `text` names a PostgreSQL store (`postgres://` or `postgresql://`).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `url`, completing it from `environment` and the password file. Throws a one-line error naming
    /// what is wrong (never the password).
    public init(
        url: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        passwordFile: String? = nil
    ) throws {
        guard let scheme = ["postgresql://", "postgres://"].first(where: url.hasPrefix) else {
            throw PostgresLocationError("not a PostgreSQL URL (postgres://user@host:port/database)")
        }
        var rest = Substring(url.dropFirst(scheme.count))
        var query: [String: String] = [:]
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[Self.decode(kv[0])] = kv.count > 1 ? Self.decode(kv[1]) : ""
            }
            rest = rest[..<q]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var urlUser: String?, urlPassword: String?
        if let userInfo {
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            urlUser = parts[0].isEmpty ? nil : Self.decode(parts[0])
            if parts.count > 1 { urlPassword = Self.decode(parts[1]) }
        }
        var urlHost: Substring?, urlPort: String?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            urlHost = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { urlPort = String(after.dropFirst()) }
        } else if let colon = rest.lastIndex(of: ":") {
            urlHost = rest[..<colon]
            urlPort = String(rest[rest.index(after: colon)...])
        } else if !rest.isEmpty {
            urlHost = rest
        }
        let env = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        host =
            query["host"] ?? urlHost.map { Self.decode($0) }.flatMap { $0.isEmpty ? nil : $0 } ?? env("PGHOST")
            ?? "localhost"
        let portText = query["port"] ?? urlPort.flatMap { $0.isEmpty ? nil : $0 } ?? env("PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw PostgresLocationError("port \"\(portText)\" is not a port number (1-65535)")
        }
        self.port = port
        user = query["user"] ?? urlUser ?? env("PGUSER") ?? environment["USER"] ?? NSUserName()
        database = query["dbname"] ?? (path.isEmpty ? nil : Self.decode(path)) ?? env("PGDATABASE") ?? user
        schema = query["schema"] ?? Self.defaultSchema
        guard !schema.isEmpty, schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw PostgresLocationError("schema \"\(schema)\" must be letters, digits and underscores")
        }
        let mode = query["sslmode"] ?? env("PGSSLMODE") ?? "prefer"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw PostgresLocationError("sslmode \"\(mode)\" is not one of disable, prefer, require")
        }
        self.sslMode = sslMode
        let timeout = query["connect_timeout"] ?? env("PGCONNECT_TIMEOUT") ?? "5"
        guard let seconds = Int(timeout), seconds > 0 else {
            throw PostgresLocationError("connect_timeout \"\(timeout)\" is not a number of seconds")
        }
        connectTimeout = seconds
        password = urlPassword ?? query["password"] ?? env("PGPASSWORD")
        if password == nil {
            let file =
                passwordFile ?? env("PGPASSFILE")
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".pgpass").path
            password = PasswordFile.password(
                in: file, host: host, port: port, database: database, user: user)
        }
    }

    /// The URL with the password left out: what every message, title and log line shows.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        let s = schema == Self.defaultSchema ? "" : "?schema=\(schema)"
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(h):\(port)/\(database)\(s)"
    }

    /// `host:port`, the server a message names.
    public var server: String { host.hasPrefix("/") ? host : "\(host):\(port)" }

    /// The same location with another schema (a scenario's own, dropped afterwards).
    public func with(schema: String) -> PostgresLocation {
        var copy = self
        copy.schema = schema
        return copy
    }

    private static func decode(_ s: Substring) -> String { String(s).removingPercentEncoding ?? String(s) }
}

/// A `postgres://` URL that cannot be used, said in one line.
public struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// libpq's password file: lines of `host:port:database:user:password`, `*` matching anything, `\:` and `\\`
/// escaped; ignored (as by libpq) when its permissions let anyone but its owner read it.
enum PasswordFile {
    static func password(in path: String, host: String, port: Int, database: String, user: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { return nil }
        if mode & 0o077 != 0 {
            FileHandle.standardError.write(
                Data(
                    "warning: password file \(path) has group or world access; permissions should be u=rw (0600) or less; ignored\n"
                        .utf8))
            return nil
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let wanted = [host, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// A line's fields, split on unescaped colons.
    static func split(_ line: Substring) -> [String] {
        var fields: [String] = [], current = "", escaped = false
        for c in line {
            if escaped {
                current.append(c); escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == ":" {
                fields.append(current); current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }
}
