import Foundation
import RecordCore

/// Each dialect's credential form (DESIGN §8): Voxworks, Nex and native `Authorization: Bearer T`; Kizen
/// `X-API-KEY: T` with `X-BUSINESS-ID` present; Zendesk `Authorization: Bearer T` or Basic with the token
/// as the password; bulk `api-key: T`. Without tokens every request is let in.
enum Credentials {
    /// Why the request is refused (the field names the header it lacked), or nil when it may pass.
    static func refusal(dialect: String, headers: [(String, String)], tokens: [String]) -> FieldError? {
        guard !tokens.isEmpty else { return nil }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        func bearer() -> String? {
            guard let a = header("authorization"), a.lowercased().hasPrefix("bearer ") else { return nil }
            return String(a.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        switch dialect {
        case "kizen":
            guard header("x-business-id") != nil else {
                return FieldError(field: "X-BUSINESS-ID", message: "the X-BUSINESS-ID header is required")
            }
            return header("x-api-key").map(tokens.contains) == true
                ? nil : FieldError(field: "X-API-KEY", message: "Invalid API key")
        case "bulk":
            return header("api-key").map(tokens.contains) == true
                ? nil : FieldError(field: "api-key", message: "Invalid API key")
        case "zendesk":
            if let b = bearer(), tokens.contains(b) { return nil }
            if let a = header("authorization"), a.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(a.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":"),
                tokens.contains(String(text[text.index(after: colon)...]))
            {
                return nil
            }
            return FieldError(field: "Authorization", message: "Invalid API key")
        default:
            return bearer().map(tokens.contains) == true
                ? nil : FieldError(field: "Authorization", message: "Invalid API key")
        }
    }
}
