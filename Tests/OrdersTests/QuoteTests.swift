import Foundation
import LIMSCore
import Orders
import Testing

@Suite("Quote arithmetic")
struct QuoteTests {
    func line(_ minor: Int64, surcharge: Int = 0) -> Quote.Line {
        Quote.Line(itemId: UUID(), serviceCode: "S", description: "d", unitPrice: Money(amountMinor: minor, currency: "CNY"), expediteSurchargeBasisPoints: surcharge)
    }

    @Test func workedQuoteTwoItemsTenPercentDiscountSixPercentTax() {
        let quote = Quote(currency: "CNY", lines: [line(35_000), line(35_000)], discountBasisPoints: 1000, taxRateBasisPoints: 600, expedited: false)
        #expect(quote.subtotal.amountMinor == 70_000)
        #expect(quote.discount.amountMinor == 7_000)
        #expect(quote.tax.amountMinor == 3_780)
        #expect(quote.total == Money(amountMinor: 66_780, currency: "CNY"))
        #expect(quote.total.formatted == "667.80 CNY")
    }

    @Test func roundingIsHalfToEven() {
        // 12.5 → 12 and 13.5 → 14: half goes to the even neighbour.
        #expect(Money.roundHalfEven(numerator: 125, denominator: 10) == 12)
        #expect(Money.roundHalfEven(numerator: 135, denominator: 10) == 14)
        #expect(Money.roundHalfEven(numerator: -125, denominator: 10) == -12)
        // 1250 fen at 5 % = 62.5 fen → 62; 1270 fen at 5 % = 63.5 → 64.
        #expect(Money.basisPoints(500, of: 1250) == 62)
        #expect(Money.basisPoints(500, of: 1270) == 64)
        let quote = Quote(currency: "CNY", lines: [line(1250)], discountBasisPoints: 0, taxRateBasisPoints: 500, expedited: false)
        #expect(quote.tax.amountMinor == 62)
        #expect(quote.total.amountMinor == 1312)
    }

    @Test func expediteSurchargeAppliesPerLineOnlyWhenExpedited() {
        let lines = [line(10_000, surcharge: 5000), line(20_000, surcharge: 2500)]
        let standard = Quote(currency: "CNY", lines: lines, discountBasisPoints: 0, taxRateBasisPoints: 0, expedited: false)
        let expedited = Quote(currency: "CNY", lines: lines, discountBasisPoints: 0, taxRateBasisPoints: 0, expedited: true)
        #expect(standard.surcharge.amountMinor == 0)
        #expect(expedited.surcharge.amountMinor == 10_000)
        #expect(expedited.total.amountMinor == 40_000)
    }
}
