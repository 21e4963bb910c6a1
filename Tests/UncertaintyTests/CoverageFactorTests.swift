import Testing
@testable import Uncertainty

@Suite("Coverage factor for 95.45 % (GUM table G.2)")
struct CoverageFactorTests {
    static let table: [(nu: Double, k: Double)] = [
        (1, 13.97), (2, 4.53), (3, 3.31), (4, 2.87), (5, 2.65), (6, 2.52), (7, 2.43), (8, 2.37),
        (10, 2.28), (20, 2.13), (50, 2.05), (.infinity, 2.00),
    ]

    @Test("k matches GUM table G.2 to two decimals", arguments: table)
    func tableValue(nu: Double, expected: Double) {
        let k = CoverageFactor.value(coverageProbability: 0.9545, effectiveDegreesOfFreedom: nu)
        #expect(rounded(k, places: 2) == expected)
    }

    @Test("k strictly decreases over ν 1…50 and stays above 2")
    func monotone() {
        var previous = Double.infinity
        for nu in 1...50 {
            let k = CoverageFactor.value(coverageProbability: 0.9545, effectiveDegreesOfFreedom: Double(nu))
            #expect(k < previous, "ν \(nu)")
            #expect(k > 2, "ν \(nu)")
            previous = k
        }
    }

    @Test("ν_eff is truncated, never rounded up, and never below 1")
    func truncation() {
        #expect(CoverageFactor.truncatedDegreesOfFreedom(16.73) == 16)
        #expect(CoverageFactor.truncatedDegreesOfFreedom(0.4) == 1)
        #expect(CoverageFactor.truncatedDegreesOfFreedom(.infinity) == .infinity)
        let truncated = CoverageFactor.value(coverageProbability: 0.95, effectiveDegreesOfFreedom: 9.99)
        #expect(truncated == StudentTDistribution.twoSidedQuantile(coverage: 0.95, degreesOfFreedom: 9))
    }
}
