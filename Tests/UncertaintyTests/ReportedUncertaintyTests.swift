import Foundation
import Testing
@testable import Uncertainty

@Suite("Stating the uncertainty and the result (GUM 7.2.6)")
struct ReportedUncertaintyTests {
    static let roundingUp: [(Double, String)] = [
        (0.0231, "0.024"), (93.0, "93"), (0.1001, "0.11"), (1234, "1300"), (0.000093, "0.000093"),
        (93.000_000_000_1, "93"), (0.000_093_0, "0.000093"), (92.999_999_999_9, "93"), (99.2, "100"),
        (0.0999, "0.10"), (1, "1.0"), (0.001, "0.0010"), (10, "10"), (58.287, "59"),
    ]

    @Test("Two significant digits, always rounded up, floating noise at a boundary ignored", arguments: roundingUp)
    func roundsUp(evaluated: Double, stated: String) throws {
        let reported = try #require(ReportedUncertainty(expandedUncertainty: evaluated))
        #expect(reported.text == stated)
        // Never smaller than evaluated, allowing only for the boundary tolerance.
        #expect(DecimalFormatting.double(reported.value) >= evaluated * (1 - ReportedUncertainty.boundaryTolerance))
    }

    @Test("The place of the last digit is exposed for rounding the result")
    func place() throws {
        let reported = try #require(ReportedUncertainty(expandedUncertainty: 0.000093))
        #expect(reported.significand == 93)
        #expect(reported.exponent == -6)
        #expect(reported.decimalPlaces == 6)
        #expect(reported.value == Decimal(string: "0.000093"))
        let coarse = try #require(ReportedUncertainty(expandedUncertainty: 1234))
        #expect(coarse.exponent == 2 && coarse.decimalPlaces == 0)
    }

    @Test("One significant digit on request")
    func oneDigit() {
        #expect(ReportedUncertainty(expandedUncertainty: 0.0231, significantDigits: 1)?.text == "0.03")
        #expect(ReportedUncertainty(expandedUncertainty: 0.3, significantDigits: 1)?.text == "0.3")
    }

    @Test("Nothing to state for zero, negative or non-finite uncertainties")
    func invalid() {
        for value in [0, -1, .infinity, .nan] {
            #expect(ReportedUncertainty(expandedUncertainty: value) == nil)
        }
    }

    @Test("The result is rounded half-even to the uncertainty's last place, trailing zeros kept")
    func resultRounding() throws {
        let micro = try #require(ReportedUncertainty(expandedUncertainty: 0.000093))
        #expect(micro.roundResult("50.0008382") == "50.000838")
        #expect(micro.roundResult(Decimal(string: "50.0008") ?? 0) == "50.000800")
        #expect(micro.roundResult("50.0000005") == "50.000000")
        #expect(micro.roundResult("50.0000015") == "50.000002")
        #expect(micro.roundResult("-0.0000004") == "0.000000")
        #expect(micro.roundResult("fifty") == nil)
        let hundreds = try #require(ReportedUncertainty(expandedUncertainty: 1234))
        #expect(hundreds.roundResult("123456.7") == "123500")
    }
}
