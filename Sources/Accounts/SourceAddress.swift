import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Where a request comes from, for per-address sign-in throttling: the TCP peer, or, behind a trusted proxy
/// (`LIMS_TRUSTED_PROXY_HEADER`, e.g. `X-Forwarded-For`), the right-most address that header gives, which is
/// the one the proxy itself added (addresses to its left are whatever the client chose to send).
public struct SourceAddress: Sendable {
    let trustedHeader: HTTPField.Name?

    /// `trustedProxyHeader`: the header the deployment's proxy sets; nil or empty means "no proxy: use the peer".
    public init(trustedProxyHeader: String?) {
        self.trustedHeader = trustedProxyHeader.flatMap { $0.isEmpty ? nil : HTTPField.Name($0) }
    }

    /// The source address as text (`unknown` when there is neither a usable header nor a socket peer).
    public func resolve(_ request: Request, peer: SocketAddress?) -> String {
        if let trustedHeader, let forwarded = request.headers[values: trustedHeader].last.flatMap(Self.rightMost) {
            return forwarded
        }
        return peer?.ipAddress ?? "unknown"
    }

    /// The last element of a comma-separated list (`X-Forwarded-For: client, proxy`), or of `Forwarded: for=…`,
    /// when it is an IP address; anything else is ignored.
    static func rightMost(_ value: String) -> String? {
        guard let last = value.split(separator: ",").last else { return nil }
        var text = last.trimmingCharacters(in: .whitespaces)
        if let forPart = text.split(separator: ";").first(where: { $0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("for=") }) {
            text = String(forPart.trimmingCharacters(in: .whitespaces).dropFirst(4)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {  // [2001:db8::1]:4711
            text = String(text[text.index(after: text.startIndex)..<end])
        } else if text.filter({ $0 == ":" }).count == 1 {  // 192.0.2.1:4711
            text = String(text.prefix(while: { $0 != ":" }))
        }
        guard text.count <= 45, (try? SocketAddress(ipAddress: text, port: 0)) != nil else { return nil }
        return text
    }
}
