import Testing
@testable import Uncertainty

@Suite("Student's t and normal quantiles")
struct QuantileTests {
    /// Two-sided t values from published tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2, GUM table G.2).
    /// Each entry carries the number of decimals the table prints, so the check is "rounds to the printed value".
    static let table95: [(nu: Double, t: Double, places: Int)] = [
        (1, 12.706, 3), (2, 4.303, 3), (5, 2.571, 3), (10, 2.228, 3), (30, 2.042, 3), (100, 1.984, 3), (1000, 1.9623, 4),
    ]
    static let table99: [(nu: Double, t: Double, places: Int)] = [
        (1, 63.657, 3), (2, 9.925, 3), (5, 4.032, 3), (10, 3.169, 3), (30, 2.750, 3), (100, 2.626, 3), (1000, 2.5808, 4),
    ]

    @Test("95 % two-sided t agrees with tables to 4 significant digits", arguments: table95)
    func t95(nu: Double, expected: Double, places: Int) {
        let t = StudentTDistribution.twoSidedQuantile(coverage: 0.95, degreesOfFreedom: nu)
        #expect(rounded(t, places: places) == expected)
        #expect(significant(t, digits: 4) == significant(expected, digits: 4))
    }

    @Test("99 % two-sided t agrees with tables to 4 significant digits", arguments: table99)
    func t99(nu: Double, expected: Double, places: Int) {
        let t = StudentTDistribution.twoSidedQuantile(coverage: 0.99, degreesOfFreedom: nu)
        #expect(rounded(t, places: places) == expected)
        #expect(significant(t, digits: 4) == significant(expected, digits: 4))
    }

    @Test("Normal quantiles: 95 % → 1.960, 99 % → 2.576")
    func normal() {
        #expect(rounded(NormalDistribution.twoSidedQuantile(coverage: 0.95), places: 3) == 1.960)
        #expect(rounded(NormalDistribution.twoSidedQuantile(coverage: 0.99), places: 3) == 2.576)
        #expect(isClose(NormalDistribution.quantile(0.975), 1.959963984540054, relative: 1e-14))
        #expect(isClose(NormalDistribution.quantile(1e-10), -6.361340902404056, relative: 1e-13))
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(isClose(NormalDistribution.twoSidedQuantile(coverage: 1e-300), 1e-300 * 1.2533141373155001, relative: 1e-14))
        #expect(isClose(NormalDistribution.twoSidedQuantile(coverage: 0.5), 0.6744897501960817, relative: 1e-14))
    }

    @Test("t quantile inverts the t distribution function for ν 1…1000 over a wide range of p")
    func roundTrip() {
        let coverages = [1e-6, 0.01, 0.3, 0.5, 0.6827, 0.9, 0.95, 0.9545, 0.99, 0.9973, 0.999_999, 1 - 1e-12]
        for nu in [1.0, 2, 3, 4, 5, 7, 10, 17, 30, 64, 100, 333, 1000] {
            for p in coverages {
                let t = StudentTDistribution.twoSidedQuantile(coverage: p, degreesOfFreedom: nu)
                // The tails straight from the incomplete beta function, so 1 − p keeps its digits near p = 1.
                let tails = StudentTDistribution.twoSidedTails(t, degreesOfFreedom: nu)
                if p > 0.5 {
                    #expect(isClose(tails.outside, 1 - p, relative: 1e-9), "ν \(nu), p \(p): t \(t)")
                } else {
                    #expect(isClose(tails.inside, p, relative: 1e-9), "ν \(nu), p \(p): t \(t)")
                }
            }
        }
    }

    @Test("Every integer ν from 1 to 1000 at the usual coverage probabilities inverts exactly and decreases in ν")
    func everyDegreeOfFreedom() {
        for p in [0.6827, 0.95, 0.9545, 0.99, 0.9973] {
            var previous = Double.infinity
            for nu in 1...1000 {
                let t = StudentTDistribution.twoSidedQuantile(coverage: p, degreesOfFreedom: Double(nu))
                let outside = StudentTDistribution.twoSidedTails(t, degreesOfFreedom: Double(nu)).outside
                #expect(isClose(outside, 1 - p, relative: 1e-9), "ν \(nu), p \(p)")
                #expect(t < previous, "ν \(nu), p \(p)")
                previous = t
            }
            #expect(previous > NormalDistribution.twoSidedQuantile(coverage: p))
        }
    }

    @Test("Large ν approaches the normal quantile from above, continuously across the series switch")
    func largeDegreesOfFreedom() {
        let z = NormalDistribution.twoSidedQuantile(coverage: 0.95)
        let below = StudentTDistribution.twoSidedQuantile(coverage: 0.95, degreesOfFreedom: 100_000)
        let above = StudentTDistribution.twoSidedQuantile(coverage: 0.95, degreesOfFreedom: 100_001)
        #expect(below > above && above > z)
        #expect(isClose(below, above, relative: 1e-9))
        #expect(isClose(StudentTDistribution.twoSidedQuantile(coverage: 0.95, degreesOfFreedom: 1e12), z, relative: 1e-11))
    }

    @Test("Extreme probabilities stay finite, positive and consistent")
    func extremes() {
        for nu in [3.0, 4, 50, 999, 50_000] {
            // Tiny coverages use the series about zero: t ≈ p / (2 f(0)).
            let tiny = StudentTDistribution.twoSidedQuantile(coverage: 1e-300, degreesOfFreedom: nu)
            #expect(isClose(tiny, 1e-300 / (2 * StudentTDistribution.density(0, degreesOfFreedom: nu)), relative: 1e-14))
            for p in [1e-7, 2e-6, 0.01, 1 - 1e-15] {
                let t = StudentTDistribution.twoSidedQuantile(coverage: p, degreesOfFreedom: nu)
                #expect(t.isFinite && t > 0, "ν \(nu), p \(p)")
                let tails = StudentTDistribution.twoSidedTails(t, degreesOfFreedom: nu)
                #expect(p > 0.5 ? isClose(tails.outside, 1 - p, relative: 1e-8) : isClose(tails.inside, p, relative: 1e-8), "ν \(nu), p \(p)")
            }
        }
    }

    @Test("Out-of-domain arguments give NaN instead of trapping")
    func domain() {
        #expect(StudentTDistribution.twoSidedQuantile(coverage: 1, degreesOfFreedom: 5).isNaN)
        #expect(StudentTDistribution.twoSidedQuantile(coverage: 0.95, degreesOfFreedom: 0.5).isNaN)
        #expect(NormalDistribution.twoSidedQuantile(coverage: 0).isNaN)
    }
}
