import Testing
@testable import Uncertainty

@Suite("Budget invariants over random budgets")
struct BudgetPropertyTests {
    static let budgetCount = 200

    /// A random budget of 1…8 components mixing every value source, signs of c and finite or infinite ν.
    static func randomBudget(using generator: inout SplitMix64) -> UncertaintyBudget {
        let count = Int.random(in: 1...8, using: &generator)
        let components = (0..<count).map { index -> UncertaintyComponent in
            let source: UncertaintyComponent.Source
            switch Int.random(in: 0...3, using: &generator) {
            case 0: source = .standardUncertainty(generator.magnitude())
            case 1: source = .halfWidth(generator.magnitude(), [.rectangular, .triangular, .uShaped].randomElement(using: &generator) ?? .rectangular)
            case 2: source = .halfWidth(generator.magnitude(), .normal(coverageFactor: Double.random(in: 1...3, using: &generator)))
            default: source = .expandedUncertainty(generator.magnitude(), coverageFactor: Double.random(in: 1...3, using: &generator))
            }
            let sign: Double = Bool.random(using: &generator) ? 1 : -1
            let nu: Double = Bool.random(using: &generator) ? .infinity : Double(Int.random(in: 1...60, using: &generator))
            return UncertaintyComponent(
                name: "x\(index)",
                type: Bool.random(using: &generator) ? .a : .b,
                sensitivityCoefficient: sign * Double.random(in: 0.1...10, using: &generator),
                degreesOfFreedom: nu,
                source: source
            )
        }
        let probability = [0.6827, 0.9, 0.95, 0.9545, 0.99].randomElement(using: &generator) ?? 0.95
        return UncertaintyBudget(coverageProbability: probability, components: components)
    }

    @Test("u_c is never below the largest single contribution, nor above their sum")
    func combinedBounds() {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<Self.budgetCount {
            let budget = Self.randomBudget(using: &generator)
            let result = budget.evaluate()
            let contributions = budget.components.map(\.contribution)
            let largest = contributions.max() ?? 0
            #expect(result.combinedStandardUncertainty >= largest * (1 - 1e-15))
            #expect(result.combinedStandardUncertainty <= contributions.reduce(0, +) * (1 + 1e-15))
            #expect(result.coverageFactor > 0 && result.expandedUncertainty >= result.combinedStandardUncertainty * 0.9)
        }
    }

    @Test("Scaling every sensitivity by c scales u_c and U by |c|, with ν_eff and k unchanged")
    func scaling() {
        var generator = SplitMix64(seed: 2)
        for _ in 0..<Self.budgetCount {
            let budget = Self.randomBudget(using: &generator)
            let factor = (Bool.random(using: &generator) ? 1 : -1) * generator.magnitude()
            var scaled = budget
            for index in scaled.components.indices {
                scaled.components[index].sensitivityCoefficient *= factor
            }
            let original = budget.evaluate()
            let result = scaled.evaluate()
            #expect(isClose(result.combinedStandardUncertainty, abs(factor) * original.combinedStandardUncertainty, relative: 1e-9))
            #expect(isClose(result.expandedUncertainty, abs(factor) * original.expandedUncertainty, relative: 1e-9))
            #expect(result.coverageFactor == original.coverageFactor)
            if original.effectiveDegreesOfFreedom.isFinite {
                #expect(isClose(result.effectiveDegreesOfFreedom, original.effectiveDegreesOfFreedom, relative: 1e-9))
            } else {
                #expect(result.effectiveDegreesOfFreedom == .infinity)
            }
        }
    }

    @Test("Scaling every input uncertainty by a positive factor scales u_c and U by it")
    func scalingInputs() {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<Self.budgetCount {
            let budget = Self.randomBudget(using: &generator)
            let factor = generator.magnitude()
            var scaled = budget
            for index in scaled.components.indices {
                scaled.components[index].source = Self.scale(scaled.components[index].source, by: factor)
            }
            let original = budget.evaluate()
            let result = scaled.evaluate()
            #expect(isClose(result.combinedStandardUncertainty, factor * original.combinedStandardUncertainty, relative: 1e-9))
            #expect(isClose(result.expandedUncertainty, factor * original.expandedUncertainty, relative: 1e-9))
            #expect(result.coverageFactor == original.coverageFactor)
        }
    }

    @Test("A zero component (u = 0 or c = 0) changes nothing: u_c, ν_eff, k and U identical")
    func zeroComponent() {
        var generator = SplitMix64(seed: 4)
        for round in 0..<Self.budgetCount {
            let budget = Self.randomBudget(using: &generator)
            var extended = budget
            let nu: Double = Bool.random(using: &generator) ? .infinity : Double(Int.random(in: 1...5, using: &generator))
            let zero = round.isMultiple(of: 2)
                ? UncertaintyComponent(name: "zero u", type: .b, degreesOfFreedom: nu, source: .standardUncertainty(0))
                : UncertaintyComponent(name: "zero c", type: .b, sensitivityCoefficient: 0, degreesOfFreedom: nu,
                                       source: .standardUncertainty(generator.magnitude()))
            extended.components.insert(zero, at: Int.random(in: 0...budget.components.count, using: &generator))
            let original = budget.evaluate()
            let result = extended.evaluate()
            #expect(result.combinedStandardUncertainty == original.combinedStandardUncertainty)
            #expect(result.effectiveDegreesOfFreedom == original.effectiveDegreesOfFreedom)
            #expect(result.coverageFactor == original.coverageFactor)
            #expect(result.expandedUncertainty == original.expandedUncertainty)
        }
    }

    @Test("Requests evaluate identically to the typed budget they validate into")
    func requestMatchesTyped() throws {
        var generator = SplitMix64(seed: 5)
        for _ in 0..<50 {
            let values = (0..<Int.random(in: 1...6, using: &generator)).map { _ in generator.magnitude() }
            let request = BudgetRequest(components: values.enumerated().map { index, value in
                ComponentInput(name: "x\(index)", type: "B", degreesOfFreedom: Double(index + 2), standardUncertainty: value)
            })
            let typed = UncertaintyBudget(components: values.enumerated().map { index, value in
                UncertaintyComponent(name: "x\(index)", type: .b, degreesOfFreedom: Double(index + 2), source: .standardUncertainty(value))
            })
            #expect(try request.evaluate() == typed.evaluate())
        }
    }

    static func scale(_ source: UncertaintyComponent.Source, by factor: Double) -> UncertaintyComponent.Source {
        switch source {
        case .standardUncertainty(let value): .standardUncertainty(value * factor)
        case .readings(let statistics): .readings(statistics)
        case .halfWidth(let value, let distribution): .halfWidth(value * factor, distribution)
        case .expandedUncertainty(let value, let k): .expandedUncertainty(value * factor, coverageFactor: k)
        }
    }
}
