import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SSRF guard: webhook destinations may not be loopback, private, link-local, unique-local or otherwise
/// non-public addresses, unless `LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1`. Checked on the URL at registration (literal
/// addresses and `localhost` names) and again before every attempt on every address the name resolves to.
public enum AddressGuard {
    /// Problems with `text` as an endpoint URL (empty when it is acceptable), for the field named `field`.
    public static func problems(url text: String, allowPrivate: Bool) -> [String] {
        guard text.count <= 2_000 else { return ["must be at most 2000 characters"] }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else { return ["must be an absolute URL such as https://erp.example.com/calibra-events"] }
        var problems: [String] = []
        switch scheme {
        case "https": break
        case "http" where allowPrivate: break
        case "http": problems.append("must use https://")
        default: problems.append("must use https://")
        }
        if components.user != nil || components.password != nil { problems.append("must not carry a user name or password") }
        if components.fragment != nil { problems.append("must not have a fragment (#…)") }
        if !allowPrivate, let reason = refusal(host: host) { problems.append(reason) }
        return problems
    }

    /// Why `host` (a name or a literal address) is refused before any lookup, or nil.
    static func refusal(host rawHost: String) -> String? {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        if name == "localhost" || name.hasSuffix(".localhost") { return "must not point at this machine (localhost)" }
        if let bytes = ipv4(name) ?? ipv6(name), isForbidden(bytes) {
            return "must not point at a loopback, private, link-local or unique-local address"
        }
        return nil
    }

    /// Resolves `host` and refuses it when any address it resolves to is forbidden; returns the addresses.
    static func resolveAndCheck(host rawHost: String, port: Int) async throws -> [String] {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let reason = refusal(host: host) { throw DeliveryRefusal(reason: "refused: the URL \(reason)") }
        // getaddrinfo blocks: it runs on a Dispatch thread, off the cooperative pool.
        let addresses = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try resolve(host: host, port: port) }) }
        }
        guard !addresses.isEmpty else { throw DeliveryRefusal(reason: "the host name \(host) did not resolve") }
        for (text, bytes) in addresses where isForbidden(bytes) {
            throw DeliveryRefusal(reason: "refused: \(host) resolves to \(text), a loopback, private, link-local or unique-local address")
        }
        return addresses.map(\.0)
    }

    static func resolve(host: String, port: Int) throws -> [(String, [UInt8])] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else { throw DeliveryRefusal(reason: "the host name \(host) did not resolve") }
        defer { freeaddrinfo(first) }
        var found: [(String, [UInt8])] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor?.pointee {
            if info.ai_family == AF_INET, let address = info.ai_addr {
                let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                }
                found.append((bytes.map(String.init).joined(separator: "."), bytes))
            } else if info.ai_family == AF_INET6, let address = info.ai_addr {
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                found.append((text6(bytes), bytes))
            }
            cursor = info.ai_next
        }
        return found
    }

    /// An IPv4 literal in any form `inet_aton` reads (`127.1`, `2130706433`, `0x7f.0.0.1` all name loopback).
    static func ipv4(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" }) else { return nil }
        var address = in_addr()
        guard inet_aton(text, &address) != 0 else { return nil }
        return withUnsafeBytes(of: address) { Array($0) }
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        var address = in6_addr()
        let literal = text.split(separator: "%").first.map(String.init) ?? text
        guard inet_pton(AF_INET6, literal, &address) == 1 else { return nil }
        return withUnsafeBytes(of: address) { Array($0) }
    }

    /// Whether an address (4 or 16 bytes) is in a range a webhook may not reach.
    public static func isForbidden(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 {
            let (a, b) = (bytes[0], bytes[1])
            return a == 0 || a == 10 || a == 127 || (a == 100 && b & 0xC0 == 64) || (a == 169 && b == 254) || (a == 172 && b & 0xF0 == 16)
                || (a == 192 && b == 168) || (a == 192 && b == 0 && bytes[2] == 0) || (a == 198 && b & 0xFE == 18) || a >= 224
        }
        guard bytes.count == 16 else { return true }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
        if bytes[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique-local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return true }  // fec0::/10 site-local (deprecated)
        if bytes[0] == 0xFF { return true }  // multicast
        // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::/96) forms carry an IPv4 address: judge that.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && ((bytes[10] == 0xFF && bytes[11] == 0xFF) || (bytes[10] == 0 && bytes[11] == 0)) {
            return isForbidden(Array(bytes[12..<16]))
        }
        if Array(bytes[0..<12]) == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] as [UInt8] { return isForbidden(Array(bytes[12..<16])) }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return isForbidden(Array(bytes[2..<6])) }  // 6to4
        return false
    }

    static func text6(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}

/// A delivery refused or impossible before any request was sent (the guard, or a name that does not resolve).
struct DeliveryRefusal: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
