import Testing
@testable import Uncertainty

@Suite("Worked examples from the GUM and EA-4/02")
struct GUMExampleTests {
    /// GUM Annex H.1, end-gauge calibration: the four non-zero contributions of table H.1, in nm, with c = 1.
    static let endGauge = BudgetRequest(coverageProbability: 0.99, components: [
        ComponentInput(name: "l_s", type: "B", degreesOfFreedom: 18, standardUncertainty: 25),
        ComponentInput(name: "d", type: "A", degreesOfFreedom: 25.6, standardUncertainty: 9.7),
        ComponentInput(name: "δα", type: "B", degreesOfFreedom: 50, standardUncertainty: 2.9),
        ComponentInput(name: "δθ", type: "B", degreesOfFreedom: 2, standardUncertainty: 16.6),
    ])

    @Test("GUM H.1: u_c ≈ 32 nm, ν_eff → 16, k99 = 2.92, U99 = 93 nm")
    func endGaugeBudget() throws {
        let result = try Self.endGauge.evaluate()
        // Σ uᵢ² = 1002.06 nm², so u_c = 31.66 nm; the GUM prints it rounded to two digits as 32 nm.
        #expect(result.combinedStandardUncertainty > 31.6 && result.combinedStandardUncertainty < 31.7)
        #expect(rounded(result.combinedStandardUncertainty, places: 0) == 32)
        #expect(result.effectiveDegreesOfFreedom > 16 && result.effectiveDegreesOfFreedom < 17)
        #expect(result.degreesOfFreedomForCoverage == 16)
        #expect(abs(result.coverageFactor - 2.92) <= 0.005)
        // U99 = 2.921 × 31.66 = 92.5 nm; rounded up to two digits that is 93 nm, exactly as the GUM states.
        let stated = try #require(ReportedUncertainty(expandedUncertainty: result.expandedUncertainty))
        #expect(result.expandedUncertainty > 92 && result.expandedUncertainty < 93)
        #expect(stated.text == "93")
    }

    @Test("GUM H.1: the result is stated as 50.000 838 mm ± 0.000 093 mm")
    func endGaugeStatement() throws {
        let stated = try #require(ReportedUncertainty(expandedUncertainty: 92.47e-6))
        #expect(stated.text == "0.000093")
        #expect(stated.roundResult("50.0008382") == "50.000838")
    }

    /// EA-4/02 M:2022 example S2, calibration of a 10 kg weight, in mg. These are secondary figures as quoted in
    /// training material (the component list and values, not a transcription of the EA table): reference 45 mg at
    /// k = 2, drift ±15 mg, Type A 14.2 mg, comparator ±10 mg, air buoyancy ±10 mg, all rectangular limits.
    static let weight = BudgetRequest(components: [
        ComponentInput(name: "reference standard", type: "B", expandedUncertainty: 45, coverageFactor: 2),
        ComponentInput(name: "drift of standard", type: "B", halfWidth: 15, distribution: "rectangular"),
        ComponentInput(name: "repeatability", type: "A", standardUncertainty: 14.2),
        ComponentInput(name: "comparator", type: "B", halfWidth: 10, distribution: "rectangular"),
        ComponentInput(name: "air buoyancy", type: "B", halfWidth: 10, distribution: "rectangular"),
    ])

    @Test("EA-4/02 S2: u ≈ 29.1 mg, U(k = 2) ≈ 58 mg")
    func weightBudget() throws {
        let result = try Self.weight.evaluate()
        let contributions = result.components.map { rounded($0.contribution, places: 2) }
        #expect(contributions == [22.5, 8.66, 14.2, 5.77, 5.77])
        #expect(abs(result.combinedStandardUncertainty - 29.1) < 0.1)
        #expect(result.effectiveDegreesOfFreedom == .infinity)
        #expect(rounded(result.coverageFactor, places: 2) == 2.00)
        #expect(abs(result.expandedUncertainty - 58.3) < 0.1)
        #expect(ReportedUncertainty(expandedUncertainty: result.expandedUncertainty)?.text == "59")
    }
}
