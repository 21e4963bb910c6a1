import Foundation
import Testing
@testable import Uncertainty

@Suite("Conformity decisions (ILAC-G8:2019)")
struct ConformityTests {
    /// MPE 1.0, U 0.2: pass below 0.8, conditional-pass 0.8…1.0, conditional-fail above 1.0 to 1.2, fail beyond.
    static let guarded: [(error: String, decision: ConformityDecision)] = [
        ("0", .pass), ("0.79", .pass), ("-0.79", .pass),
        ("0.8", .conditionalPass), ("0.9", .conditionalPass), ("1.0", .conditionalPass), ("-1.0", .conditionalPass),
        ("1.01", .conditionalFail), ("1.2", .conditionalFail), ("-1.2", .conditionalFail),
        ("1.21", .fail), ("-5", .fail),
    ]

    @Test("Guarded rule: all four outcomes and every boundary, decided exactly", arguments: guarded)
    func guardedDecimal(error: String, decision: ConformityDecision) {
        #expect(Conformity.decide(measuredError: error, mpe: "1.0", expandedUncertainty: "0.2", rule: .guarded) == decision)
    }

    @Test("Double inputs decide the same away from binary-fraction boundaries")
    func guardedDouble() {
        // Typed constants: bare literals would be ambiguous between the Double and Decimal overloads.
        let mpe: Double = 1
        let quarter: Double = 0.25
        #expect(Conformity.decide(measuredError: 0.5 as Double, mpe: mpe, expandedUncertainty: quarter, rule: .guarded) == .pass)
        #expect(Conformity.decide(measuredError: 0.75 as Double, mpe: mpe, expandedUncertainty: quarter, rule: .guarded) == .conditionalPass)
        #expect(Conformity.decide(measuredError: -1.25 as Double, mpe: mpe, expandedUncertainty: quarter, rule: .guarded) == .conditionalFail)
        #expect(Conformity.decide(measuredError: 1.5 as Double, mpe: mpe, expandedUncertainty: quarter, rule: .guarded) == .fail)
        // In binary 0.8 − 0.1 is 0.7000000000000001, so a Double error of 0.7 on the edge lands strictly inside and
        // passes; decimal strings keep it on the edge, a conditional pass. This is why strings are preferred.
        #expect(Conformity.decide(measuredError: 0.7 as Double, mpe: 0.8, expandedUncertainty: 0.1, rule: .guarded) == .pass)
        #expect(Conformity.decide(measuredError: "0.7", mpe: "0.8", expandedUncertainty: "0.1", rule: .guarded) == .conditionalPass)
    }

    @Test("Simple acceptance: |e| = MPE passes, anything beyond fails, U ignored")
    func simple() {
        #expect(Conformity.decide(measuredError: "1.0", mpe: "1.0", expandedUncertainty: "0.5", rule: .simple) == .pass)
        #expect(Conformity.decide(measuredError: "-1.0", mpe: "1.0", expandedUncertainty: "0.5", rule: .simple) == .pass)
        #expect(Conformity.decide(measuredError: "1.0001", mpe: "1.0", expandedUncertainty: "0", rule: .simple) == .fail)
        #expect(Conformity.decide(measuredError: 1 as Double, mpe: 1, expandedUncertainty: 0, rule: .simple) == .pass)
    }

    @Test("When U exceeds the MPE nothing can pass outright")
    func uncertaintyTooLarge() {
        #expect(Conformity.decide(measuredError: "0", mpe: "1", expandedUncertainty: "1.5", rule: .guarded) == .conditionalPass)
    }

    @Test("Requests accept JSON numbers and decimal strings alike")
    func request() throws {
        let json = #"{"measuredError": "0.9", "mpe": 1.0, "expandedUncertainty": 0.2, "rule": "guarded"}"#
        let request = try JSONDecoder().decode(ConformityRequest.self, from: Data(json.utf8))
        #expect(request.validate().isEmpty)
        let response = try request.decide()
        #expect(response.decision == .conditionalPass)
        let encoded = String(decoding: try JSONEncoder().encode(response), as: UTF8.self)
        #expect(encoded == #"{"decision":"conditional-pass"}"#)
    }

    @Test("Request validation names every bad field")
    func requestValidation() throws {
        let json = #"{"measuredError": "abc", "mpe": 0, "expandedUncertainty": -0.1, "rule": "strict"}"#
        let request = try JSONDecoder().decode(ConformityRequest.self, from: Data(json.utf8))
        #expect(request.validate().map(\.field) == ["measuredError", "mpe", "rule", "expandedUncertainty"])
        let missing = ConformityRequest(measuredError: nil, mpe: nil, expandedUncertainty: nil, rule: "guarded")
        #expect(missing.validate().map(\.field) == ["measuredError", "mpe", "expandedUncertainty"])
        let simple = ConformityRequest(measuredError: "0.5", mpe: "1", expandedUncertainty: nil, rule: "simple")
        #expect(try simple.decide().decision == .pass)
        let boolean = try JSONDecoder().decode(ConformityRequest.self, from: Data(#"{"measuredError": true}"#.utf8))
        let expected = FieldIssue(field: "measuredError", message: "must be a decimal number (a JSON number or a decimal string)")
        #expect(boolean.validate().first == expected)
    }
}
