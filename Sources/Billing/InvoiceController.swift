import Foundation
import HTTPTypes
import Hummingbird
import LIMSCore
import Reports

/// Invoices and credit notes: reading (a customer its own, staff with the billing or admin role all), as JSON,
/// HTML or plain text by `Accept`; payments, credit notes and the CSV export (billing or admin).
public struct InvoiceController: Sendable {
    let billing: BillingStore
    let documents: InvoiceDocuments

    public init(billing: BillingStore, documents: InvoiceDocuments) {
        self.billing = billing
        self.documents = documents
    }

    struct CreditNoteRequest: Decodable {
        var reason: String?
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("invoices", use: list)
        group.get("invoices/export.csv", use: export)
        group.get("invoices/{id}", use: show)
        group.post("invoices/{id}/payments", use: recordPayment)
        group.post("invoices/{id}/credit-notes", use: issueCreditNote)
        group.get("credit-notes/{id}", use: showCreditNote)
    }

    /// Customers read their own; staff need the billing or admin role. Returns the customer scope (nil for staff).
    static func readerScope(_ context: AuthenticatedContext) throws -> UUID? {
        if case .staff = context.principal { _ = try context.principal.requireStaff(anyOf: BillingAccess.manage) }
        return context.principal.customerScope
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Invoice> {
        let scope = try Self.readerScope(context)
        let query = request.query
        var validator = Validator()
        let status = query["status"].flatMap { validator.requireEnum($0, "status", as: InvoiceStatus.self) }
        var customerId: UUID?
        if let raw = query["customerId"] {
            customerId = UUID(uuidString: raw)
            validator.check(customerId != nil, "customerId", "must be a UUID")
        }
        try validator.finish()
        return try await billing.list(scope: scope, status: status, customerId: customerId, page: PageRequest(request))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try Self.readerScope(context)
        let format = try DocumentFormat.negotiate(request)
        let invoice = try await billing.invoice(id: try context.parameters.require("id", as: UUID.self), scope: scope)
        if format == .json { return format.response(try invoice.response(from: request, context: context)) }
        return format.response(try documents.render(invoice, as: format))
    }

    func showCreditNote(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try Self.readerScope(context)
        let format = try DocumentFormat.negotiate(request)
        let note = try await billing.creditNote(id: try context.parameters.require("id", as: UUID.self), scope: scope)
        if format == .json { return format.response(try note.response(from: request, context: context)) }
        return format.response(try documents.render(note, as: format))
    }

    func recordPayment(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Invoice> {
        _ = try context.principal.requireStaff(anyOf: BillingAccess.manage)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decode(as: BillingStore.NewPayment.self, context: context)
        return EditedResponse(status: .created, response: try await billing.recordPayment(input, invoiceId: id, audit: context.audit))
    }

    func issueCreditNote(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<CreditNote> {
        _ = try context.principal.requireStaff(anyOf: BillingAccess.manage)
        let id = try context.parameters.require("id", as: UUID.self)
        let input = try await request.decodeIfPresent(as: CreditNoteRequest.self, context: context)
        let note = try await billing.issueCreditNote(invoiceId: id, reason: input?.reason, audit: context.audit)
        return EditedResponse(status: .created, response: note)
    }

    /// `GET /v1/invoices/export.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: invoices and credit notes issued in the range.
    func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.principal.requireStaff(anyOf: BillingAccess.manage)
        let query = request.query
        var validator = Validator()
        func day(_ name: String) -> String? {
            guard let text = query[name] else { validator.add(name, "is required"); return nil }
            guard DateFormats.parseDay(text) != nil else { validator.add(name, "must be a date, YYYY-MM-DD"); return nil }
            return text
        }
        let from = day("from")
        let to = day("to")
        if let from, let to { validator.check(from <= to, "to", "must not be before from") }
        try validator.finish()
        guard let from, let to else { throw Problem.validation(validator.issues) }
        let issued = try await billing.issued(from: from, to: to)
        let csv = InvoiceExport.csv(invoices: issued.invoices, creditNotes: issued.creditNotes)
        return DocumentFormat.document(
            csv, contentType: "text/csv; charset=utf-8", headers: [.contentDisposition: "attachment; filename=\"invoices-\(from)-to-\(to).csv\""]
        )
    }
}

extension Invoice: ResponseEncodable {}
extension CreditNote: ResponseEncodable {}
