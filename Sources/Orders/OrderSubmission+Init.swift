import Foundation

/// Submissions built in Swift (the customer portal's order form) rather than decoded from a request body; they go
/// through exactly the same validation.
extension OrderSubmission {
    public static func make(customerReference: String?, priority: String?, returnAddress: String?, items: [ItemInput]?) -> OrderSubmission {
        OrderSubmission(customerReference: customerReference, priority: priority, returnAddress: returnAddress, items: items)
    }
}

extension OrderSubmission.ItemInput {
    public static func make(serviceCode: String?, instrument: OrderSubmission.InstrumentInput?, notes: String?) -> Self {
        Self(serviceCode: serviceCode, instrument: instrument, notes: notes)
    }
}

extension OrderSubmission.InstrumentInput {
    public static func make(manufacturer: String?, model: String?, serialNumber: String?, assetTag: String?, description: String?) -> Self {
        Self(manufacturer: manufacturer, model: model, serialNumber: serialNumber, assetTag: assetTag, description: description)
    }
}
