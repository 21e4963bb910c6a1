import Foundation
import Testing
@testable import Uncertainty

@Suite("Type A statistics from readings")
struct ReadingStatisticsTests {
    @Test("10.01, 10.03, 10.02 → mean 10.02 exactly, s = 0.01, u = 0.01/√3, ν = 2")
    func threeReadings() throws {
        let statistics = try ReadingStatistics(readings: ["10.01", "10.03", "10.02"])
        #expect(statistics.count == 3)
        #expect(statistics.mean == Decimal(string: "10.02"))
        #expect(statistics.meanText == "10.020")
        #expect(isClose(statistics.standardDeviation, 0.01, relative: 1e-15))
        #expect(isClose(statistics.standardUncertainty, 0.01 / 3.0.squareRoot(), relative: 1e-15))
        #expect(statistics.degreesOfFreedom == 2)
    }

    @Test("The formatted mean has one more place than the most precise reading, rounded half-even")
    func meanText() throws {
        #expect(try ReadingStatistics(readings: ["1.5", "1.25"]).meanText == "1.375")
        #expect(try ReadingStatistics(readings: ["1", "2"]).meanText == "1.5")
        // (0.01 + 0.02 + 0.02) / 3 = 0.01666… → 0.017.
        #expect(try ReadingStatistics(readings: ["0.01", "0.02", "0.02"]).meanText == "0.017")
        #expect(try ReadingStatistics(readings: ["-0.1", "0.1"]).meanText == "0.00")
        // The mean 0.125 is exactly halfway between 0.12 and 0.13: half-even goes to 0.12.
        #expect(try ReadingStatistics(readings: ["0.1", "0.1", "0.1", "0.2"]).meanText == "0.12")
    }

    @Test("Readings keep their exactness where Double would not: large offsets, tiny spread")
    func largeOffset() throws {
        let statistics = try ReadingStatistics(readings: ["100000000.000001", "100000000.000003"])
        #expect(statistics.mean == Decimal(string: "100000000.000002"))
        #expect(isClose(statistics.standardDeviation, 2e-6 / 2.0.squareRoot(), relative: 1e-12))
    }

    @Test("A budget component from readings takes ν = n − 1 unless the client states ν")
    func componentDegreesOfFreedom() throws {
        let implicit = BudgetRequest(components: [ComponentInput(name: "r", type: "A", readings: ["1.0", "1.2", "1.1", "1.3"])])
        let explicit = BudgetRequest(components: [
            ComponentInput(name: "r", type: "A", degreesOfFreedom: 40, readings: ["1.0", "1.2", "1.1", "1.3"]),
        ])
        #expect(try implicit.evaluate().components.first?.degreesOfFreedom == 3)
        #expect(try explicit.evaluate().components.first?.degreesOfFreedom == 40)
    }

    @Test("A non-numeric reading and a lone reading are named by their JSON paths")
    func rejected() {
        let request = BudgetRequest(components: [
            ComponentInput(name: "ok", type: "A", readings: ["10.01", "10.0x", "10.02"]),
            ComponentInput(name: "single", type: "A", readings: ["10.01"]),
        ])
        let fields = request.validate().map(\.field)
        #expect(fields == ["components[0].readings[1]", "components[1].readings"])
        #expect(throws: UncertaintyValidationError.self) { try ReadingStatistics(readings: ["1"]) }
    }

    @Test("Decimal strings are parsed strictly", arguments: ["12abc", "", "1.2.3", "--1", "1e", ".", "0x10", "1,5", "nan"])
    func strictParsing(text: String) {
        #expect(DecimalString(text) == nil)
    }

    @Test("Decimal places follow the text, exponent included")
    func decimalPlaces() throws {
        #expect(try #require(DecimalString("10.020")).decimalPlaces == 3)
        #expect(try #require(DecimalString("1.5e-3")).decimalPlaces == 4)
        #expect(try #require(DecimalString("12e2")).decimalPlaces == 0)
        #expect(try #require(DecimalString(" -.5 ")).value == Decimal(string: "-0.5"))
    }

    @Test("Resolution δ gives a rectangular half-width δ/2, so u = δ/√12")
    func resolution() {
        let component = ResolutionComponent.component(resolution: 0.01)
        #expect(ResolutionComponent.halfWidth(resolution: 0.01) == 0.005)
        #expect(isClose(component.standardUncertainty, 0.01 / 12.0.squareRoot(), relative: 1e-15))
    }
}
