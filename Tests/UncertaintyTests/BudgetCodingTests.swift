import Foundation
import Testing
@testable import Uncertainty

@Suite("JSON contract of budgets")
struct BudgetCodingTests {
    @Test("A request decodes with defaults: p = 0.9545, c = 1, ν infinite")
    func decodeDefaults() throws {
        let json = #"{"components":[{"name":"ref","type":"B","expandedUncertainty":0.2,"coverageFactor":2}]}"#
        let request = try JSONDecoder().decode(BudgetRequest.self, from: Data(json.utf8))
        let budget = try request.validated()
        #expect(budget.coverageProbability == 0.9545)
        let component = try #require(budget.components.first)
        #expect(component.sensitivityCoefficient == 1)
        #expect(component.degreesOfFreedom == .infinity)
        #expect(component.type == .b)
        #expect(component.source == .expandedUncertainty(0.2, coverageFactor: 2))
    }

    @Test("Malformed components still decode, so validation can report them")
    func lenientDecoding() throws {
        let json = #"{"components":[{"type":"Z","distribution":"banana"},{}]}"#
        let request = try JSONDecoder().decode(BudgetRequest.self, from: Data(json.utf8))
        #expect(request.components?.count == 2)
        #expect(!request.validate().isEmpty)
    }

    @Test("Infinite degrees of freedom are encoded as null and decode back to infinity")
    func nullForInfinity() throws {
        let request = BudgetRequest(components: [
            ComponentInput(name: "a", type: "B", standardUncertainty: 3),
            ComponentInput(name: "b", type: "A", degreesOfFreedom: 9, standardUncertainty: 0),
        ])
        let result = try request.evaluate()
        let data = try JSONEncoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == [
            "combinedStandardUncertainty", "effectiveDegreesOfFreedom", "coverageFactor", "coverageProbability",
            "expandedUncertainty", "components",
        ])
        #expect(object["effectiveDegreesOfFreedom"] is NSNull)
        let rows = try #require(object["components"] as? [[String: Any]])
        #expect(Set(rows[0].keys) == ["name", "standardUncertainty", "sensitivityCoefficient", "contribution", "degreesOfFreedom"])
        #expect(rows[0]["degreesOfFreedom"] is NSNull)
        #expect(rows[1]["degreesOfFreedom"] as? Double == 9)
        #expect(try JSONDecoder().decode(BudgetResult.self, from: data) == result)
    }

    @Test("Finite ν_eff is encoded unrounded; the truncated value is what k used")
    func finiteDegreesOfFreedom() throws {
        let request = BudgetRequest(components: [
            ComponentInput(name: "a", type: "A", readings: ["1.0", "1.1", "1.3"]),
            ComponentInput(name: "b", type: "B", degreesOfFreedom: 7.5, standardUncertainty: 0.1),
        ])
        let result = try request.evaluate()
        #expect(result.effectiveDegreesOfFreedom.rounded(.down) != result.effectiveDegreesOfFreedom)
        #expect(result.degreesOfFreedomForCoverage == result.effectiveDegreesOfFreedom.rounded(.down))
        let decoded = try JSONDecoder().decode(BudgetResult.self, from: JSONEncoder().encode(result))
        #expect(decoded.effectiveDegreesOfFreedom == result.effectiveDegreesOfFreedom)
    }
}
