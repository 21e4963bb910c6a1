import Foundation

// Public makers of the store's inputs for the staff console's forms, which build them from form fields rather than
// decoding JSON (the memberwise initialisers are internal to this module).

extension EquipmentStore.NewEquipment {
    public static func make(
        assetTag: String?, name: String?, manufacturer: String?, model: String?, serialNumber: String?, quantity: String?, range: String?,
        serviceCodes: [String]?
    ) -> Self {
        Self(
            assetTag: assetTag, name: name, manufacturer: manufacturer, model: model, serialNumber: serialNumber, quantity: quantity, range: range,
            serviceCodes: serviceCodes
        )
    }
}

extension EquipmentStore.NewCalibration {
    public static func make(
        certificateNumber: String?, calibratedBy: String?, calibratedOn: String?, dueOn: String?, traceability: String?, asFound: String? = nil,
        asFoundNotes: String? = nil
    ) -> Self {
        Self(
            certificateNumber: certificateNumber, calibratedBy: calibratedBy, calibratedOn: calibratedOn, dueOn: dueOn, traceability: traceability,
            asFound: asFound, asFoundNotes: asFoundNotes
        )
    }
}

extension BookingStore.NewBooking {
    public static func make(start: String?, end: String?, jobId: String?) -> Self {
        Self(start: start, end: end, jobId: jobId)
    }
}
