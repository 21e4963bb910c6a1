import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LIMSCore
import LIMSTestSupport
import Testing

/// The web foundation under the console: cookie sessions apart from API tokens, form tokens, idle expiry, sign-out
/// in the database, the page headers, and a message catalogue without holes.
@Suite("Web sessions and pages")
struct WebSessionTests {
    @Test func signInOpensACookieSessionThatOnlyPagesAccept() async throws {
        try await TestLab.run { lab in
            var browser = TestBrowser(api: lab.api)
            let signedIn = try await browser.signIn(email: "admin@lab.test", password: TestLab.password)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/console")
            let cookie = try #require(browser.cookies["calibra_console"])
            let setCookie = signedIn.headers.filter { $0.name == .setCookie }.map(\.value).first { $0.hasPrefix("calibra_console=") } ?? ""
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Secure"))
            let home = try await browser.send(.get, "/console")
            #expect(home.status == .ok)
            #expect(home.text.contains("Test Admin"))
            // The cookie's secret is no API token, and an API token opens no page.
            #expect(try await lab.api.get("/v1/orders", token: cookie).status == .unauthorized)
            let withBearer = try await lab.api.get("/console", token: lab.adminToken)
            #expect(withBearer.status == .seeOther)
            #expect(withBearer.headers[.location]?.hasPrefix("/console/login") == true)
        }
    }

    @Test func wrongPasswordRendersTheFormWithAnAlertAndNoSession() async throws {
        try await TestLab.run { lab in
            var browser = TestBrowser(api: lab.api)
            let response = try await browser.signIn(email: "admin@lab.test", password: "wrong password entirely")
            #expect(response.status == .unauthorized)
            #expect(response.text.contains(#"role="alert""#))
            #expect(browser.cookies["calibra_console"] == nil)
        }
    }

    @Test func signOutEndsTheSessionInTheDatabase() async throws {
        try await TestLab.run { lab in
            var browser = TestBrowser(api: lab.api)
            _ = try await browser.signIn(email: "admin@lab.test", password: TestLab.password)
            let secret = try #require(browser.cookies["calibra_console"])
            let home = try await browser.send(.get, "/console")
            let token = try #require(TestBrowser.formToken(in: home.text))
            #expect(try await Self.sessionRows(lab) == 1)
            let out = try await browser.send(.post, "/console/logout", form: [("_csrf", token)])
            #expect(out.status == .seeOther)
            #expect(try await Self.sessionRows(lab) == 0)
            // The old cookie, replayed, opens nothing.
            browser.cookies["calibra_console"] = secret
            #expect(try await browser.send(.get, "/console").status == .seeOther)
        }
    }

    @Test func postWithoutTheSessionsFormTokenIsRefusedAndChangesNothing() async throws {
        try await TestLab.run { lab in
            var browser = TestBrowser(api: lab.api)
            _ = try await browser.signIn(email: "admin@lab.test", password: TestLab.password)
            let missing = try await browser.send(.post, "/console/logout", form: [("x", "1")])
            #expect(missing.status == .forbidden)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            // A token of another session is no better.
            var other = TestBrowser(api: lab.api)
            _ = try await other.signIn(email: "admin@lab.test", password: TestLab.password)
            let otherToken = try #require(TestBrowser.formToken(in: try await other.send(.get, "/console").text))
            #expect(try await browser.send(.post, "/console/logout", form: [("_csrf", otherToken)]).status == .forbidden)
            #expect(try await Self.sessionRows(lab) == 2)
            // And the sign-in form itself needs the pre-session token.
            var fresh = TestBrowser(api: lab.api)
            let forged = try await fresh.send(.post, "/console/login", form: [("email", "admin@lab.test"), ("password", TestLab.password)])
            #expect(forged.status == .forbidden)
            #expect(try await Self.sessionRows(lab) == 2)
        }
    }

    @Test func anIdleSessionEndsAndTheSweepRemovesIt() async throws {
        try await TestLab.run { lab in
            var browser = TestBrowser(api: lab.api)
            _ = try await browser.signIn(email: "admin@lab.test", password: TestLab.password)
            #expect(try await browser.send(.get, "/console").status == .ok)
            try await lab.asOwner("UPDATE web_sessions SET last_seen_at = now() - make_interval(secs => idle_seconds + 1)")
            let idle = try await browser.send(.get, "/console")
            #expect(idle.status == .seeOther)
            #expect(idle.headers[.location] == "/console/login?next=%2Fconsole")
            #expect(try await Self.sessionRows(lab) == 1)
            let policy = try PasswordPolicy(resourcesDirectory: lab.configuration.resourcesDirectory)
            let sessions = SessionStore(database: lab.database, hasher: PasswordHasher(cost: 4), policy: policy)
            #expect(try await WebSessionStore(database: lab.database, sessions: sessions).purgeEnded() == 1)
            #expect(try await Self.sessionRows(lab) == 0)
        }
    }

    @Test func pagesCarryTheSecurityHeaders() async throws {
        try await TestLab.run { lab in
            let page = try await lab.api.get("/console/login")
            #expect(page.status == .ok)
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            let css = try await lab.api.get("/static/app.css")
            #expect(css.status == .ok)
            #expect(css.headers[.cacheControl]?.contains("immutable") == true)
            let etag = try #require(css.headers[.eTag])
            #expect(try await lab.api.get("/static/app.css", headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await lab.api.get("/static/nothing.css").status == .notFound)
        }
    }

    @Test func chineseIsChosenByQueryCookieOrAcceptLanguage() async throws {
        try await TestLab.run { lab in
            let byHeader = try await lab.api.get("/console/login", headers: [.acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8"])
            #expect(byHeader.text.contains(#"<html lang="zh-Hans">"#))
            #expect(byHeader.text.contains("登录"))
            let byQuery = try await lab.api.get("/console/login?lang=zh-Hans", headers: [.acceptLanguage: "en"])
            #expect(byQuery.text.contains("登录"))
            #expect(byQuery.headers.contains { $0.name == .setCookie && $0.value.hasPrefix("calibra_lang=zh-Hans") })
            let english = try await lab.api.get("/console/login", headers: [.acceptLanguage: "de-DE,en;q=0.5"])
            #expect(english.text.contains(#"<html lang="en">"#))
        }
    }

    static func sessionRows(_ lab: TestLab) async throws -> Int {
        let rows = try await lab.database.client.query("SELECT count(*)::int FROM web_sessions", logger: lab.database.logger)
        for try await count in rows.decode(Int.self) { return count }
        return -1
    }
}
