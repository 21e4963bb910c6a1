import Foundation
import Testing
@testable import Uncertainty

@Suite("Budget request validation")
struct BudgetValidationTests {
    @Test("Every problem in a bad budget is reported at once, each under its JSON path")
    func everyProblemReported() {
        let request = BudgetRequest(coverageProbability: 1, components: [
            // 0: no name, unknown type, no value source.
            ComponentInput(name: "  ", type: "C"),
            // 1: two value sources, negative standard uncertainty, non-finite sensitivity.
            ComponentInput(name: "two", type: "B", sensitivityCoefficient: .infinity, standardUncertainty: -1, halfWidth: 1,
                           distribution: "rectangular"),
            // 2: unknown distribution, degrees of freedom zero.
            ComponentInput(name: "dist", type: "B", degreesOfFreedom: 0, halfWidth: 1, distribution: "gaussian"),
            // 3: normal distribution without a coverage factor.
            ComponentInput(name: "normal", type: "B", halfWidth: 1, distribution: "normal"),
            // 4: expanded uncertainty without a coverage factor.
            ComponentInput(name: "expanded", type: "B", expandedUncertainty: 2),
            // 5: one reading only, and it is not a number.
            ComponentInput(name: "readings", type: "A", readings: ["ten"]),
            // 6: zero coverage factor, missing type, negative half-width.
            ComponentInput(name: "zero k", halfWidth: -3, distribution: "normal", coverageFactor: 0),
            // 7: missing name, NaN expanded uncertainty, stray distribution.
            ComponentInput(type: "A", distribution: "triangular", expandedUncertainty: .nan, coverageFactor: 2),
            // 8: a coverage factor that applies to nothing here (a plain standard uncertainty).
            ComponentInput(name: "no dist", type: "B", standardUncertainty: 1, coverageFactor: 2),
        ])
        let fields = Set(request.validate().map(\.field))
        let expected: Set<String> = [
            "coverageProbability",
            "components[0].name", "components[0].type", "components[0]",
            "components[1]", "components[1].standardUncertainty", "components[1].sensitivityCoefficient",
            "components[2].distribution", "components[2].degreesOfFreedom",
            "components[3].coverageFactor",
            "components[4].coverageFactor",
            "components[5].readings", "components[5].readings[0]",
            "components[6].type", "components[6].halfWidth", "components[6].coverageFactor",
            "components[7].name", "components[7].expandedUncertainty", "components[7].distribution",
            "components[8].coverageFactor",
        ]
        #expect(fields == expected)
        #expect(throws: UncertaintyValidationError.self) { try request.validated() }
    }

    @Test("No components, missing components and probabilities outside (0, 1) are refused")
    func budgetLevel() {
        #expect(BudgetRequest(components: []).validate().map(\.field) == ["components"])
        #expect(BudgetRequest(components: nil).validate().map(\.field) == ["components"])
        let component = ComponentInput(name: "x", type: "B", standardUncertainty: 1)
        for probability in [0, 1, -0.5, 1.5, .nan] {
            let issues = BudgetRequest(coverageProbability: probability, components: [component]).validate()
            #expect(issues.map(\.field) == ["coverageProbability"], "p = \(probability)")
        }
        #expect(BudgetRequest(components: [component]).validate().isEmpty)
    }

    @Test("A half-width needs a distribution; the typed form carries the right divisor")
    func halfWidth() throws {
        let missing = BudgetRequest(components: [ComponentInput(name: "x", type: "B", halfWidth: 1)])
        #expect(missing.validate().map(\.field) == ["components[0].distribution"])
        let cases: [(String, Double?, Double)] = [
            ("rectangular", nil, 3.0.squareRoot()), ("triangular", nil, 6.0.squareRoot()),
            ("u-shaped", nil, 2.0.squareRoot()), ("normal", 2.5, 2.5),
        ]
        for (name, k, divisor) in cases {
            let request = BudgetRequest(components: [
                ComponentInput(name: "x", type: "B", halfWidth: 6, distribution: name, coverageFactor: k),
            ])
            let budget = try request.validated()
            #expect(budget.components.first?.standardUncertainty == 6 / divisor, "\(name)")
        }
    }

    @Test("Readings sent as JSON numbers are named: strings keep them exact")
    func numericReadingsInJSON() throws {
        let json = #"{"components":[{"name":"r","type":"A","readings":["1.01", 1.02, "1.03", true]}]}"#
        let request = try JSONDecoder().decode(BudgetRequest.self, from: Data(json.utf8))
        let issues = request.validate()
        #expect(issues.map(\.field) == ["components[0].readings[1]", "components[0].readings[3]"])
        #expect(issues.allSatisfy { $0.message.contains("JSON string") })
    }

    @Test("Sensitivity and standard uncertainty whose product overflows are refused, not evaluated to infinity")
    func overflow() {
        let request = BudgetRequest(components: [
            ComponentInput(name: "x", type: "B", sensitivityCoefficient: 1e200, standardUncertainty: 1e200),
        ])
        #expect(request.validate().map(\.field) == ["components[0].sensitivityCoefficient"])
    }
}
