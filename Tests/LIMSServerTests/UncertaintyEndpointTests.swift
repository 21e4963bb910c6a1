import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

@Suite("Uncertainty and conformity endpoints")
struct UncertaintyEndpointTests {
    @Test func evaluatesTheGUMH1BudgetOverHTTP() async throws {
        try await TestLab.run { lab in
            let technician = try await lab.staff(["technician"])
            func component(_ name: String, _ u: Double, _ dof: Double) -> JSONValue {
                .object(["name": .string(name), "type": .string("B"), "standardUncertainty": .number(u), "degreesOfFreedom": .number(dof)])
            }
            let response = try await lab.api.post(
                "/v1/uncertainty/evaluate", token: technician.token,
                json: ["coverageProbability": .number(0.99), "components": .array([
                    component("calibration of standard", 25, 18), component("measured difference", 9.7, 25.6),
                    component("thermal expansion", 2.9, 50), component("temperature difference", 16.6, 2),
                ])]
            )
            try response.expect(.ok)
            #expect(abs(try response.number("combinedStandardUncertainty") - 31.67) < 0.01)  // √(25² + 9.7² + 2.9² + 16.6²) nm; the GUM prints 32
            #expect(abs(try response.number("coverageFactor") - 2.92) < 0.005)
            #expect(abs(try response.number("expandedUncertainty") - 92.5) < 0.2)
            #expect(try response.array("components").count == 4)
        }
    }

    @Test func infiniteDegreesOfFreedomAreNull() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.post(
                "/v1/uncertainty/evaluate", token: lab.adminToken,
                json: ["components": .array([.object(["name": .string("r"), "type": .string("B"), "halfWidth": .number(0.5), "distribution": .string("rectangular")])])]
            )
            try response.expect(.ok)
            #expect(response.value("effectiveDegreesOfFreedom") == .null)
            #expect(abs(try response.number("coverageFactor") - 2.0) < 0.001)
        }
    }

    @Test func everyBadFieldIsNamed() async throws {
        try await TestLab.run { lab in
            let response = try await lab.api.post(
                "/v1/uncertainty/evaluate", token: lab.adminToken,
                json: ["coverageProbability": .number(1.5), "components": .array([
                    .object(["name": .string("two sources"), "type": .string("A"), "standardUncertainty": .number(1), "halfWidth": .number(1), "distribution": .string("rectangular")]),
                    .object(["name": .string("one reading"), "type": .string("A"), "readings": .array([.string("1.0")])]),
                    .object(["name": .string("bad reading"), "type": .string("A"), "readings": .array([.string("1.0"), .string("abc")])]),
                    .object(["name": .string("bad distribution"), "type": .string("B"), "halfWidth": .number(1), "distribution": .string("gaussian")]),
                    .object(["name": .string("negative"), "type": .string("B"), "standardUncertainty": .number(-1)]),
                ])]
            )
            #expect(response.status == .unprocessableContent)
            let fields = Set(response.problemFields)
            for expected in ["coverageProbability", "components[1].readings", "components[2].readings[1]", "components[3].distribution"] {
                #expect(fields.contains(expected), "missing \(expected) in \(fields)")
            }
            #expect(fields.contains { $0.hasPrefix("components[0]") })
            #expect(fields.contains { $0.hasPrefix("components[4]") })
            let empty = try await lab.api.post("/v1/uncertainty/evaluate", token: lab.adminToken, json: ["components": .array([])])
            #expect(empty.problemFields == ["components"])
        }
    }

    @Test func conformityDecisions() async throws {
        try await TestLab.run { lab in
            func decide(_ error: String, _ rule: String) async throws -> String {
                let response = try await lab.api.post(
                    "/v1/conformity/decide", token: lab.adminToken,
                    json: ["measuredError": .string(error), "mpe": .string("0.10"), "expandedUncertainty": .number(0.03), "rule": .string(rule)]
                )
                try response.expect(.ok)
                return try response.string("decision")
            }
            #expect(try await decide("0.05", "guarded") == "pass")
            #expect(try await decide("-0.09", "guarded") == "conditional-pass")
            #expect(try await decide("0.12", "guarded") == "conditional-fail")
            #expect(try await decide("0.14", "guarded") == "fail")
            #expect(try await decide("0.10", "simple") == "pass")
            #expect(try await decide("0.11", "simple") == "fail")
            let customer = try await lab.customer()
            #expect(try await lab.api.post("/v1/conformity/decide", token: customer.key, json: [:]).status == .forbidden)
            let bad = try await lab.api.post("/v1/conformity/decide", token: lab.adminToken, json: ["rule": .string("lenient")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.problemFields.contains("rule"))
        }
    }
}
