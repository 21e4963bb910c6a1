import Hummingbird
import LIMSCore
import Synchronization

/// The routes the router knows, for answering 405 (Hummingbird's trie router answers 404 for a
/// known path with another method) and for checking the OpenAPI document against the router.
final class RouteCatalog: Sendable {
    private let entries = Mutex<[(method: HTTPRequest.Method, components: [String])]>([])

    func load(_ routes: [Router<AppRequestContext>.RouteDescription]) {
        entries.withLock { entries in
            entries = routes.map { ($0.method, Self.components($0.path.description)) }
        }
    }

    func methods(forPath path: String) -> Set<HTTPRequest.Method> {
        let requested = Self.components(path)
        return entries.withLock { entries in
            Set(entries.filter { Self.matches(pattern: $0.components, path: requested) }.map(\.method))
        }
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    static func matches(pattern: [String], path: [String]) -> Bool {
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { pattern, value in
            pattern == value || pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == "*"
        }
    }
}
