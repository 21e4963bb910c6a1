import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import NIOCore
import Testing

/// The request examples the OpenAPI document shows are requests the server accepts, sent as written to resources that
/// exist: a client (or a fuzzer) that starts from them starts from something that works.
@Suite("The OpenAPI document's request examples")
struct OpenAPIExampleTests {
    typealias Object = [String: Any]

    /// Every (method path, media type) that carries a request example, and the example as it goes on the wire.
    static func examples() throws -> [String: ByteBuffer] {
        let document = try OpenAPISampleTests.document()
        var found: [String: ByteBuffer] = [:]
        for operation in OpenAPISampleTests.operations(in: document) {
            let body = OpenAPISampleTests.resolve(operation.spec["requestBody"], in: document)
            for (mediaType, content) in (body["content"] as? Object ?? [:]) {
                guard let example = (content as? Object)?["example"] else { continue }
                let key = "\(operation.method) \(operation.template) \(mediaType)"
                found[key] = try (example as? String).map { ByteBuffer(string: $0) } ?? json(example)
                if mediaType == "application/json" { #expect(example is Object, "\(key): a JSON example is an object") }
            }
        }
        return found
    }

    /// A query parameter's schema example, for the examples that need one.
    static func parameterExample(_ name: String, of template: String, method: String) throws -> String {
        let document = try OpenAPISampleTests.document()
        let operation = try #require(OpenAPISampleTests.operations(in: document).first { $0.template == template && $0.method.rawValue == method })
        for raw in operation.spec["parameters"] as? [Any] ?? [] {
            let parameter = OpenAPISampleTests.resolve(raw, in: document)
            if parameter["name"] as? String == name, let example = (parameter["schema"] as? Object)?["example"] as? String { return example }
        }
        Issue.record("\(method) \(template) has no example for ?\(name)")
        return ""
    }

    static func json(_ value: Any) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]))
    }

    @Test func everyRequestExampleIsAcceptedAsWritten() async throws {
        let examples = try Self.examples()
        let covered: Set<String> = [
            "POST /v1/users/{id}/authorizations application/json",
            "POST /v1/equipment application/json",
            "POST /v1/equipment/{id}/calibrations application/json",
            "POST /v1/equipment/{id}/calibrations application/vnd.ptb.dcc+xml",
            "POST /v1/equipment/{id}/bookings application/json",
        ]
        #expect(Set(examples.keys) == covered, "a request example this test does not send: add it here")
        let dueOn = try Self.parameterExample("dueOn", of: "/v1/equipment/{id}/calibrations", method: "POST")
        let asFound = try Self.parameterExample("asFound", of: "/v1/equipment/{id}/calibrations", method: "POST")

        try await TestLab.run { lab in
            // The demo catalogue's balance calibration, which the authorisation example names.
            try await lab.service(code: "BAL-CAL")
            let technician = try await lab.staff(["technician"])
            let granted = try await lab.api.request(
                .post, "/v1/users/\(technician.id)/authorizations", token: lab.adminToken,
                body: try #require(examples["POST /v1/users/{id}/authorizations application/json"])
            )
            try granted.expect(.created)
            #expect(try granted.string("serviceCode") == "BAL-CAL")

            // The demo catalogue's pressure services, which the equipment example names.
            try await lab.service(code: "PG-CAL")
            try await lab.service(code: "PG-VER", kind: "verification")
            let equipment = try await lab.api.request(
                .post, "/v1/equipment", token: lab.adminToken, body: try #require(examples["POST /v1/equipment application/json"])
            )
            try equipment.expect(.created)
            #expect(try equipment.array("serviceCodes") == [.string("PG-CAL"), .string("PG-VER")])
            let id = try equipment.uuid("id")

            let calibration = try await lab.api.request(
                .post, "/v1/equipment/\(id)/calibrations", token: lab.adminToken,
                body: try #require(examples["POST /v1/equipment/{id}/calibrations application/json"])
            )
            try calibration.expect(.created)

            let dcc = try #require(examples["POST /v1/equipment/{id}/calibrations application/vnd.ptb.dcc+xml"])
            let imported = try await lab.api.request(
                .post, "/v1/equipment/\(id)/calibrations?dueOn=\(dueOn)&asFound=\(asFound)", token: lab.adminToken,
                headers: [.contentType: "application/vnd.ptb.dcc+xml"], body: dcc
            )
            try imported.expect(.created)
            #expect(try imported.string("certificateNumber") == "NIM-DCC-2026-11873")

            let booked = try await lab.api.request(
                .post, "/v1/equipment/\(id)/bookings", token: lab.adminToken,
                body: try #require(examples["POST /v1/equipment/{id}/bookings application/json"])
            )
            try booked.expect(.created)
        }
    }

    @Test func anUnknownUserIs404BeforeTheBodyIsJudged() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.post(
                "/v1/users/\(UUID())/authorizations", token: lab.adminToken,
                json: ["serviceCode": .string("NO-SUCH-SERVICE"), "activity": .string("perform"), "validUntil": .string("2027-01-01")]
            )
            #expect(response.status == .notFound, "\(response.text)")
        }
    }
}
