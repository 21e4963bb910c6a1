import Foundation
import LIMSCore
import Testing

@testable import Orders

/// Orders write their own JSON for speed; it must be the JSON the shared encoder gives, byte for byte.
@Suite("An order's own JSON")
struct OrderJSONTests {
    static func order(awkward: Bool) -> Order {
        let orderId = UUID()
        // Text with everything a writer must escape or pass through: quotes, backslashes, slashes, each control
        // character, DEL, non-ASCII, an emoji and the line and paragraph separators.
        let controls = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        let text = awkward ? "Gauge \"A\" \\ 1/2 \(controls)\u{7F} 压力表 µ 🔧 \u{2028}\u{2029}" : "PG-100"
        let price = Money(amountMinor: awkward ? 123_456_789_012 : 35_000, currency: "CNY")
        let items = (1...(awkward ? 3 : 2)).map { line in
            OrderItem(
                id: UUID(), orderId: orderId, lineNumber: line, serviceCode: "PRESS-\(line)", status: awkward ? .onHold : .awaitingReceipt,
                instrument: Instrument(
                    manufacturer: text, model: "M-\(line)", serialNumber: "SN \(line)", assetTag: awkward ? "T-\(line)" : nil,
                    description: awkward ? text : nil
                ),
                instrumentId: awkward ? UUID() : nil, notes: awkward ? text : nil, unitPrice: price,
                certifiedAt: awkward ? Date(timeIntervalSince1970: 1_767_225_599.999) : nil
            )
        }
        let quote = Quote(
            currency: "CNY",
            lines: items.map {
                Quote.Line(itemId: $0.id, serviceCode: $0.serviceCode, description: text, unitPrice: $0.unitPrice, expediteSurchargeBasisPoints: 5000)
            },
            discountBasisPoints: 500, taxRateBasisPoints: 600, expedited: awkward
        )
        return Order(
            id: orderId, number: "ORD-2026-000001", customerId: UUID(), customerReference: text, priority: awkward ? .expedited : .standard,
            returnAddress: awkward ? text : nil, status: awkward ? .inProgress : .submitted, items: items, quote: quote,
            rejectionReason: awkward ? text : nil,
            // A date before 1970 and one with a fraction of a second: both written to the second, rounded down.
            submittedAt: awkward ? Date(timeIntervalSince1970: -86_400.25) : Date(timeIntervalSince1970: 1_796_200_000.75),
            decidedAt: awkward ? Date(timeIntervalSince1970: 951_782_400) : nil,  // 2000-02-29
            completedAt: awkward ? Date(timeIntervalSince1970: 4_102_444_800) : nil  // 2100-01-01
        )
    }

    @Test(arguments: [false, true])
    func writtenJSONIsTheSharedEncodersJSON(awkward: Bool) throws {
        let order = Self.order(awkward: awkward)
        let written = EncodedJSON(writing: order).bytes
        let encoded = Array(try JSONValue.encoder.encode(order))
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        // And it reads back as the same order.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let back = try decoder.decode(Order.self, from: Data(written))
        #expect(back.items.map(\.instrument) == order.items.map(\.instrument))
        #expect(back.quote == order.quote)
        #expect(back.customerReference == order.customerReference)
    }

    @Test func datesAcrossTheCalendarAreWrittenAsTheISOStrategyWritesThem() throws {
        // A day about every five weeks from 1600 to 2400, at a varying time of day: leap years, century rules, month ends.
        let encoder = JSONValue.encoder
        var mismatches: [String] = []
        var seconds = -11_676_096_000.0  // 1600-01-01T00:00:00Z
        while seconds < 13_569_465_600 {  // 2400-01-01
            let date = Date(timeIntervalSince1970: seconds)
            var writer = JSONWriter()
            writer.value(date)
            let written = "[" + String(decoding: writer.bytes, as: UTF8.self) + "]"
            let expected = String(decoding: try encoder.encode([date]), as: UTF8.self)
            if written != expected { mismatches.append("\(written) ≠ \(expected)") }
            seconds += 86_400 * 37 + 3_661.5
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
