/// A tiny seeded generator (SplitMix64) so property tests are random in shape but identical on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value spread over several orders of magnitude, as real budgets are.
    mutating func magnitude() -> Double {
        let exponent = Double.random(in: -3...3, using: &self)
        return Double.random(in: 1...10, using: &self) * pow10(exponent)
    }

    private func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        let whole = Int(exponent.rounded(.down))
        for _ in 0..<abs(whole) { result *= whole < 0 ? 0.1 : 10 }
        return result
    }
}
