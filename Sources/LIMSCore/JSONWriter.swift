import Foundation

/// A value that writes its own JSON, for the hot paths (an order written on every submission and read on every
/// `GET`): the same JSON ``JSONValue/encoder`` gives (keys sorted, absent optionals left out, UUIDs upper case,
/// dates in ISO 8601 to the second), without Foundation's encoder and its per-value dynamic casts.
///
/// A type that conforms writes its keys in sorted order itself: ``JSONWriter`` does not sort.
public protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

/// Appends JSON text to a byte buffer. Objects are written key by key between ``beginObject()`` and ``endObject()``;
/// commas are placed by the writer.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next member or element of the open container is its first.
    private var first = true

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    public mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// A key of the open object; the value follows.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// Before an array element: the comma after the previous one.
    public mutating func element() {
        separate()
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    public mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
        first = false
    }

    public mutating func value(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let digits = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
        first = false
    }

    public mutating func value(_ number: Int64) {
        bytes.append(contentsOf: String(number).utf8)
        first = false
    }

    public mutating func value(_ number: Int) {
        value(Int64(number))
    }

    public mutating func value(_ flag: Bool) {
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        first = false
    }

    public mutating func value(_ id: UUID) {
        value(id.uuidString)
    }

    /// `YYYY-MM-DDThh:mm:ssZ` in UTC, the fraction of a second dropped (as the `.iso8601` strategy writes it).
    public mutating func value(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (year, month, day) = Self.civil(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let ofDay = ((seconds % 86_400) + 86_400) % 86_400
        bytes.append(UInt8(ascii: "\""))
        pad(year, 4)
        bytes.append(UInt8(ascii: "-"))
        pad(month, 2)
        bytes.append(UInt8(ascii: "-"))
        pad(day, 2)
        bytes.append(UInt8(ascii: "T"))
        pad(ofDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        pad(ofDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        pad(ofDay % 60, 2)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
        first = false
    }

    private mutating func pad(_ number: Int64, _ width: Int) {
        let digits = Array(String(number).utf8)
        if digits.count < width { bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        bytes.append(contentsOf: digits)
    }

    /// Year, month and day of a day counted from 1970-01-01 (proleptic Gregorian; H. Hinnant's `civil_from_days`).
    static func civil(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A member whose value is left out when absent (as `encodeIfPresent` does).
    public mutating func member(_ name: StaticString, ifPresent text: String?) {
        guard let text else { return }
        key(name)
        value(text)
    }

    public mutating func member(_ name: StaticString, ifPresent date: Date?) {
        guard let date else { return }
        key(name)
        value(date)
    }

    public mutating func member(_ name: StaticString, ifPresent id: UUID?) {
        guard let id else { return }
        key(name)
        value(id)
    }

    /// An array of values that write themselves.
    public mutating func array(_ values: [some JSONWritable]) {
        beginArray()
        for value in values {
            element()
            value.write(to: &self)
        }
        endArray()
    }
}

extension EncodedJSON {
    /// Writes `value` once with ``JSONWriter``.
    public init(writing value: some JSONWritable) {
        var writer = JSONWriter()
        value.write(to: &writer)
        self.init(bytes: writer.bytes)
    }
}

extension Money: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("amountMinor")
        json.value(amountMinor)
        json.key("currency")
        json.value(currency)
        json.endObject()
    }
}
