import Foundation
import Hummingbird

/// A one-time message shown on the page a form redirects to ("Item ITM-2026-000042 received."). It travels in a
/// short-lived cookie holding a catalogue key and its arguments, is translated when shown, and is cleared then.
public struct Flash: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }

    public static let cookieName = "calibra_flash"

    struct Stored: Codable {
        var k: String
        var a: [String]
        var e: Bool
    }

    /// The cookie carrying message `key` with `arguments` to the next page under `path`.
    public static func cookie(key: String, arguments: [String], isError: Bool, path: String, secure: Bool) -> Cookie {
        let data = (try? JSONEncoder().encode(Stored(k: key, a: arguments, e: isError))) ?? Data()
        return Cookie(name: cookieName, value: base64URL(data), maxAge: 120, path: path, secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// The message a request's flash cookie carries, translated; `nil` when there is none or it is not one of ours.
    public static func read(_ request: Request, messages: MessageCatalogue, language: Language) -> Flash? {
        guard let value = request.cookies[cookieName]?.value, let data = fromBase64URL(value),
            let stored = try? JSONDecoder().decode(Stored.self, from: data), messages.has(stored.k), stored.a.count <= 4
        else { return nil }
        return Flash(text: messages.format(messages.text(stored.k, language), stored.a), isError: stored.e)
    }

    /// The cookie that clears the flash once shown.
    public static func clearing(path: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: path, secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}
