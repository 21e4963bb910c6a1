import Foundation
import Hummingbird
import LIMSCore

/// The reference equipment registry (staff; admin to register equipment and change it): `POST/GET /v1/equipment`,
/// `GET /v1/equipment/{id}`, `POST /v1/equipment/{id}/calibrations`, `POST /v1/equipment/{id}/status`.
public struct EquipmentController: Sendable {
    let equipment: EquipmentStore
    /// Tells whether a service code exists; the catalogue lives in a module that depends on this one.
    let serviceExists: @Sendable (String) async throws -> Bool

    public init(equipment: EquipmentStore, serviceExists: @escaping @Sendable (String) async throws -> Bool) {
        self.equipment = equipment
        self.serviceExists = serviceExists
    }

    struct StatusRequest: Decodable {
        var status: String?
        var reason: String?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("equipment", use: create)
        group.get("equipment", use: list)
        group.get("equipment/{id}", use: show)
        group.post("equipment/{id}/calibrations", use: recordCalibration)
        group.get("equipment/{id}/calibrations/{calibrationId}/dcc", use: calibrationDCC)
        group.post("equipment/{id}/status", use: changeStatus)
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Equipment> {
        _ = try context.principal.requireStaff(anyOf: SchedulingAccess.manageEquipment)
        let input = try await request.decode(as: EquipmentStore.NewEquipment.self, context: context)
        let created = try await equipment.create(input, serviceExists: serviceExists, audit: context.audit)
        return EditedResponse(status: .created, response: created)
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Equipment> {
        _ = try context.principal.requireStaff()
        let query = request.query
        var validator = Validator()
        let status = query["status"].flatMap { validator.requireEnum($0, "status", as: EquipmentStatus.self) }
        var dueWithinDays: Int?
        if let raw = query["dueWithinDays"] {
            dueWithinDays = Int(raw).flatMap { (0...3650).contains($0) ? $0 : nil }
            if dueWithinDays == nil { validator.add("dueWithinDays", "must be an integer from 0 to 3650") }
        }
        try validator.finish()
        return try await equipment.list(status: status, dueWithinDays: dueWithinDays, page: PageRequest(request))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> Equipment {
        _ = try context.principal.requireStaff()
        let id = try context.parameters.require("id", as: UUID.self)
        guard let found = try await equipment.find(id: id, history: true) else { throw Problem.notFound("Equipment") }
        return found
    }

    func recordCalibration(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<EquipmentCalibration> {
        _ = try context.principal.requireStaff(anyOf: SchedulingAccess.manageEquipment)
        let id = try context.parameters.require("id", as: UUID.self)
        if request.headers[.contentType]?.lowercased().hasPrefix(Self.dccMediaType) == true {
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let calibration = try await equipment.importCalibration(
                equipmentId: id, dcc: Data(body.readableBytesView), dueOn: request.query["dueOn"], asFound: request.query["asFound"], audit: context.audit
            )
            return EditedResponse(status: .created, response: calibration)
        }
        let input = try await request.decode(as: EquipmentStore.NewCalibration.self, context: context)
        let calibration = try await equipment.recordCalibration(equipmentId: id, input, audit: context.audit)
        return EditedResponse(status: .created, response: calibration)
    }

    static let dccMediaType = "application/vnd.ptb.dcc+xml"

    /// The provider's DCC an imported calibration keeps, byte for byte; 404 when the record was entered by hand.
    func calibrationDCC(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.principal.requireStaff()
        let id = try context.parameters.require("id", as: UUID.self)
        let calibrationId = try context.parameters.require("calibrationId", as: UUID.self)
        guard let dcc = try await equipment.calibrationDCC(equipmentId: id, calibrationId: calibrationId) else {
            throw Problem.notFound("DCC of that calibration")
        }
        return DocumentFormat.document(dcc, contentType: "\(Self.dccMediaType); charset=utf-8")
    }

    func changeStatus(_ request: Request, context: AuthenticatedContext) async throws -> Equipment {
        _ = try context.principal.requireStaff(anyOf: SchedulingAccess.manageEquipment)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decode(as: StatusRequest.self, context: context)
        var validator = Validator()
        let status = validator.requireEnum(input.status, "status", as: EquipmentStatus.self)
        let reason = validator.requireText(input.reason, "reason", maxLength: 1000)
        try validator.finish()
        return try await equipment.changeStatus(equipmentId: id, status: status ?? .outOfService, reason: reason, audit: context.audit)
    }
}
