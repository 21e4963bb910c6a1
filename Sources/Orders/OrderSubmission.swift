import Foundation
import LIMSCore

/// The body of `POST /v1/orders`, decoded leniently so validation can name every bad field by its JSON path.
public struct OrderSubmission: Decodable, Sendable {
    public struct InstrumentInput: Decodable, Sendable {
        public var manufacturer: String?
        public var model: String?
        public var serialNumber: String?
        public var assetTag: String?
        public var description: String?
    }

    public struct ItemInput: Decodable, Sendable {
        public var serviceCode: String?
        public var instrument: InstrumentInput?
        public var notes: String?
    }

    public var customerReference: String?
    public var priority: String?
    public var returnAddress: String?
    public var items: [ItemInput]?

    /// At most this many instruments per order: larger batches are split by the customer's system.
    public static let maximumItems = 200

    /// Validates everything that needs no database, and returns the typed parts.
    func validate(into validator: inout Validator) -> (reference: String, priority: Priority?, items: [(ItemInput, Instrument)]) {
        let reference = validator.requireText(customerReference, "customerReference", maxLength: 100)
        let priority = validator.requireEnum(priority, "priority", as: Priority.self)
        if let returnAddress, returnAddress.count > 1000 { validator.add("returnAddress", "must be at most 1000 characters") }
        var typed: [(ItemInput, Instrument)] = []
        guard let items else {
            validator.add("items", "is required")
            return (reference, priority, [])
        }
        if items.isEmpty { validator.add("items", "must list at least one instrument") }
        if items.count > Self.maximumItems { validator.add("items", "must list at most \(Self.maximumItems) instruments") }
        for (index, item) in items.enumerated() {
            let path = "items[\(index)]"
            validator.requireText(item.serviceCode, "\(path).serviceCode", maxLength: 64)
            if let notes = item.notes, notes.count > 2000 { validator.add("\(path).notes", "must be at most 2000 characters") }
            guard let instrument = item.instrument else {
                validator.add("\(path).instrument", "is required")
                continue
            }
            let manufacturer = validator.requireText(instrument.manufacturer, "\(path).instrument.manufacturer", maxLength: 200)
            let model = validator.requireText(instrument.model, "\(path).instrument.model", maxLength: 200)
            let serial = validator.requireText(instrument.serialNumber, "\(path).instrument.serialNumber", maxLength: 100)
            if let tag = instrument.assetTag, tag.count > 100 { validator.add("\(path).instrument.assetTag", "must be at most 100 characters") }
            if let text = instrument.description, text.count > 1000 {
                validator.add("\(path).instrument.description", "must be at most 1000 characters")
            }
            typed.append((item, Instrument(manufacturer: manufacturer, model: model, serialNumber: serial,
                                           assetTag: instrument.assetTag, description: instrument.description)))
        }
        return (reference, priority, typed)
    }
}
