import Accounts
import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Password rules")
struct PasswordRuleTests {
    static let policy: PasswordPolicy = {
        do {
            return try PasswordPolicy(resourcesDirectory: TestDatabase.projectRoot.appendingPathComponent("Resources"))
        } catch {
            preconditionFailure("Resources/common-passwords.txt must load: \(error)")
        }
    }()

    /// (password, the rule its 422 must name) for a user whose email is `metrologist.wang@lab.test`.
    static let weak: [(String, String)] = [
        ("0123456789", "at least 12 characters"),
        ("short", "at least 12 characters"),
        ("            ", "only whitespace"),
        ("\t\t\t\t  \n  \t\t\t\t", "only whitespace"),
        ("Metrologist.Wang@lab.test", "email address"),
        ("METROLOGIST.WANG", "email address"),
        ("Password1234", "commonly used"),
        ("qwertyuiopasdf", "commonly used"),
        ("correct horse battery staple", "commonly used"),
        (String(repeating: "é", count: 40), "at most 72 bytes"),
        // The input rule refuses NUL before any password rule sees it.
        ("twelve chars\u{0}nul", "NUL character"),
    ]

    @Test func weakPasswordsAre422NamingTheFieldAndTheRule() async throws {
        try await TestLab.run { lab in
            for (password, rule) in Self.weak {
                let response = try await lab.api.post(
                    "/v1/users", token: lab.adminToken,
                    json: ["email": .string("metrologist.wang@lab.test"), "name": .string("Wang"), "roles": .array([.string("technician")]),
                           "password": .string(password)]
                )
                #expect(response.status == .unprocessableContent, "\(password.debugDescription) was accepted")
                #expect(response.problemFields.allSatisfy { $0 == "password" }, "\(response.text)")
                let messages = (try? response.array("errors").compactMap { $0["message"]?.stringValue }) ?? []
                #expect(messages.contains { $0.contains(rule) }, "\(password.debugDescription): \(messages)")
            }
            let fine = try await lab.api.post(
                "/v1/users", token: lab.adminToken,
                json: ["email": .string("metrologist.wang@lab.test"), "name": .string("Wang"), "roles": .array([.string("technician")]),
                       "password": .string("Gauge blocks at 20 °C")]
            )
            #expect(fine.status == .created)
        }
    }

    @Test func theRulesCollectEveryProblemAndAcceptGoodPasswords() {
        let issues = Self.policy.issues("wang", email: "wang@lab.test", field: "newPassword")
        #expect(Set(issues.map(\.field)) == ["newPassword"])
        #expect(issues.count == 2, "too short, and the email's local part: \(issues)")
        #expect(Self.policy.issues(nil, email: "a@lab.test", field: "password") == [FieldIssue(field: "password", message: "is required")])
        #expect(Self.policy.issues("Traceable to SI units 2026", email: "a@lab.test", field: "password").isEmpty)
        #expect(Self.policy.issues(String(repeating: "x", count: 72), email: "a@lab.test", field: "password").isEmpty)
        #expect(!Self.policy.issues(String(repeating: "x", count: 73), email: "a@lab.test", field: "password").isEmpty)
        #expect(!Self.policy.issues("PASSWORD123456", email: "a@lab.test", field: "password").isEmpty)
    }

    @Test func theCommonPasswordListShipsWithHundredsOfLowerCaseEntries() throws {
        let text = try String(
            contentsOf: TestDatabase.projectRoot.appendingPathComponent("Resources/\(PasswordPolicy.fileName)"), encoding: .utf8
        )
        let entries = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(entries.count >= 300)
        #expect(entries.allSatisfy { $0 == $0.lowercased() })
        #expect(!entries.contains(Substring(TestLab.password)))
    }

    /// `lims user create` applies the same rules as the API.
    @Test(.enabled(if: LIMSChild.binary != nil))
    func theCommandLineRefusesAWeakPassword() async throws {
        let url = try await TestDatabase.makeMigrated()
        func create(_ email: String, password: String) throws -> (status: Int32, output: String) {
            try LIMSChild.run(
                ["user", "create", "--email", email, "--name", "First Admin", "--roles", "admin", "--password-stdin"],
                environment: ["DATABASE_URL": url.description, "LIMS_BCRYPT_COST": "4"], input: password + "\n"
            )
        }
        let weak = try create("first@lab.test", password: "Password1234")
        #expect(weak.status != 0)
        #expect(weak.output.contains("commonly used"), "\(weak.output)")
        let strong = try create("first@lab.test", password: "Gauge blocks at 20 °C")
        #expect(strong.status == 0, "\(strong.output)")
    }
}
