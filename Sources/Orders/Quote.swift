import Foundation
import LIMSCore

/// The price of an order, frozen at submission: one line per item, the customer's discount,
/// the expedite surcharge, then tax, all in integer minor units rounded half-even.
///
/// Order of operations: subtotal = Σ lines; discount = subtotal × discount rate; surcharge (expedited
/// orders only) = Σ line × the line's service surcharge rate; tax = (subtotal − discount + surcharge) × tax rate;
/// total = subtotal − discount + surcharge + tax. Each product is rounded once, half to even.
public struct Quote: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var itemId: UUID
        public var serviceCode: String
        public var description: String
        public var unitPrice: Money
        public var expediteSurchargeBasisPoints: Int

        public init(itemId: UUID, serviceCode: String, description: String, unitPrice: Money, expediteSurchargeBasisPoints: Int) {
            self.itemId = itemId
            self.serviceCode = serviceCode
            self.description = description
            self.unitPrice = unitPrice
            self.expediteSurchargeBasisPoints = expediteSurchargeBasisPoints
        }
    }

    public var currency: String
    public var lines: [Line]
    public var discountBasisPoints: Int
    public var taxRateBasisPoints: Int
    public var expedited: Bool
    public var subtotal: Money
    public var discount: Money
    public var surcharge: Money
    public var tax: Money
    public var total: Money

    public init(currency: String, lines: [Line], discountBasisPoints: Int, taxRateBasisPoints: Int, expedited: Bool) {
        self.currency = currency
        self.lines = lines
        self.discountBasisPoints = discountBasisPoints
        self.taxRateBasisPoints = taxRateBasisPoints
        self.expedited = expedited
        let amounts = Self.amounts(
            linePrices: lines.map { ($0.unitPrice.amountMinor, $0.expediteSurchargeBasisPoints) },
            discountBasisPoints: discountBasisPoints, taxRateBasisPoints: taxRateBasisPoints, expedited: expedited
        )
        self.subtotal = Money(amountMinor: amounts.subtotal, currency: currency)
        self.discount = Money(amountMinor: amounts.discount, currency: currency)
        self.surcharge = Money(amountMinor: amounts.surcharge, currency: currency)
        self.tax = Money(amountMinor: amounts.tax, currency: currency)
        self.total = Money(amountMinor: amounts.total, currency: currency)
    }

    /// The arithmetic alone, shared with invoicing (which prices only the certified lines).
    public static func amounts(
        linePrices: [(amountMinor: Int64, surchargeBasisPoints: Int)], discountBasisPoints: Int, taxRateBasisPoints: Int, expedited: Bool
    ) -> (subtotal: Int64, discount: Int64, surcharge: Int64, tax: Int64, total: Int64) {
        let subtotal = linePrices.reduce(Int64(0)) { $0 + $1.amountMinor }
        let discount = Money.basisPoints(discountBasisPoints, of: subtotal)
        let surcharge = expedited ? linePrices.reduce(Int64(0)) { $0 + Money.basisPoints($1.surchargeBasisPoints, of: $1.amountMinor) } : 0
        let taxable = subtotal - discount + surcharge
        let tax = Money.basisPoints(taxRateBasisPoints, of: taxable)
        return (subtotal, discount, surcharge, tax, taxable + tax)
    }
}
