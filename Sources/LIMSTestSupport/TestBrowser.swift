import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LIMSCore

/// A browser as far as page tests need one: a cookie jar over the test client, form posts, the form token of a page,
/// and signing in through `/console/login` or `/portal/login`. (Real-browser tests are in `Tests/browser`.)
public struct TestBrowser: Sendable {
    public let api: TestAPI
    public var cookies: [String: String] = [:]

    public init(api: TestAPI) {
        self.api = api
    }

    /// Sends a request with the jar's cookies (a form body when `form` is given) and keeps the cookies it sets.
    public mutating func send(_ method: HTTPRequest.Method, _ path: String, form: [(String, String)]? = nil) async throws -> APIResponse {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            let encoded = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            body = ByteBuffer(string: encoded)
        }
        let response = try await api.request(method, path, headers: headers, body: body)
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty || field.value.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        return response
    }

    /// The form token (`_csrf`) of the first form of a page.
    public static func formToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in through the sign-in form of an area (`/console` or `/portal`).
    public mutating func signIn(email: String, password: String, area: String = "/console") async throws -> APIResponse {
        let page = try await send(.get, "\(area)/login")
        guard let token = Self.formToken(in: page.text) else { throw APIResponse.Failure(description: "no form token on \(area)/login") }
        return try await send(.post, "\(area)/login", form: [("_csrf", token), ("email", email), ("password", password), ("next", area)])
    }

    /// Signs in as the staff user `userId` of `lab` (made with `TestLab.staff`, password `TestLab.password`).
    public mutating func signIn(_ lab: TestLab, userId: UUID) async throws {
        let user = try await lab.api.get("/v1/users/\(userId)", token: lab.adminToken)
        let response = try await signIn(email: try user.string("email"), password: TestLab.password)
        guard response.status == .seeOther else { throw APIResponse.Failure(description: "sign-in answered \(response.status)") }
    }

    /// A new member of staff with `roles` (password `TestLab.password`), signed in to the console in a fresh browser.
    public static func signedIn(_ lab: TestLab, roles: [String]) async throws -> TestBrowser {
        let email = "\(roles.joined(separator: "-"))-\(UUID().uuidString.prefix(8).lowercased())@lab.test"
        try await lab.api.post(
            "/v1/users", token: lab.adminToken,
            json: ["email": .string(email), "name": .string("Console \(roles.joined(separator: " "))"), "roles": .array(roles.map { .string($0) }),
                   "password": .string(TestLab.password)]
        ).expect(.created)
        var browser = TestBrowser(api: lab.api)
        try await browser.signIn(email: email, password: TestLab.password).expect(.seeOther)
        return browser
    }
}
