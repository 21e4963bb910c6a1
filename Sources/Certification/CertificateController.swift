import Foundation
import Hummingbird
import LIMSCore
import Reports

/// Certificates: download in the stored HTML or text, or JSON with digest and signature (customers their own
/// only); amendment by a signatory; and the two open routes anyone may use to check a certificate.
public struct CertificateController: Sendable {
    let certificates: CertificateStore
    /// Loaded once at start-up: the open public-key route never reads the disk.
    let signingKey: SigningKey?
    /// The certificates issued for a registered instrument (the instrument register's history), for `?instrumentId=`.
    let instrumentCertificates: @Sendable (UUID) async throws -> [UUID]

    public init(
        certificates: CertificateStore, signingKey: SigningKey?, instrumentCertificates: @escaping @Sendable (UUID) async throws -> [UUID] = { _ in [] }
    ) {
        self.certificates = certificates
        self.signingKey = signingKey
        self.instrumentCertificates = instrumentCertificates
    }

    struct AmendRequest: Decodable {
        var reason: String?
        var instrument: CertificateStore.InstrumentCorrection?
    }

    struct PublicKey: ResponseEncodable {
        var algorithm: String
        var publicKey: String
        var encoding: String
        var signs: String
    }

    public func addOpenRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("certificates/verify", use: verify)
        group.get("certificates/public-key", use: publicKey)
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("certificates", use: list)
        group.get("certificates/{id}", use: show)
        group.post("certificates/{id}/amend", use: amend)
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let stored = try await certificates.find(id: try context.parameters.require("id", as: UUID.self), scope: context.principal.customerScope)
        let format: DocumentFormat
        switch try CertificateFormat.negotiate(request) {
        case .document(let chosen): format = chosen
        case .dcc:
            guard let dcc = stored.dcc else {
                throw Problem(
                    status: .notFound, title: "No DCC",
                    detail: "Certificate \(stored.certificate.number) was signed before Digital Calibration Certificates were issued; it has HTML, text and JSON forms."
                )
            }
            return DocumentFormat.document(
                dcc, contentType: "\(DCCRenderer.mediaType); charset=utf-8",
                headers: [.vary: "Accept", .contentDisposition: "attachment; filename=\"\(stored.certificate.number).dcc.xml\""]
            )
        }
        switch format {
        case .json: return format.response(try stored.certificate.response(from: request, context: context))
        case .html: return format.response(stored.html)
        case .text: return format.response(stored.text)
        }
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Certificate> {
        var orderId: UUID?
        if let raw = request.query["orderId"] {
            guard let id = UUID(uuidString: raw) else { throw Problem.invalid("orderId", "must be a UUID") }
            orderId = id
        }
        var ids: [UUID]?
        if let raw = request.query["instrumentId"] {
            guard let id = UUID(uuidString: raw) else { throw Problem.invalid("instrumentId", "must be a UUID") }
            ids = try await instrumentCertificates(id)
        }
        return try await certificates.list(orderId: orderId, ids: ids, scope: context.principal.customerScope, page: PageRequest(request))
    }

    func amend(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Certificate> {
        let staff = try context.principal.requireStaff(anyOf: CertificationAccess.sign)
        let input = try await request.decode(as: AmendRequest.self, context: context)
        var validator = Validator()
        let reason = validator.requireText(input.reason, "reason", maxLength: 2000)
        try validator.finish()
        let amended = try await certificates.amend(
            id: try context.parameters.require("id", as: UUID.self), reason: reason, instrument: input.instrument, by: staff, audit: context.audit
        )
        return EditedResponse(status: .created, response: amended)
    }

    func verify(_ request: Request, context: AppRequestContext) async throws -> CertificateStore.Verification {
        var validator = Validator()
        let number = validator.requireText(request.query["number"], "number", maxLength: 64)
        let digest = validator.requireText(request.query["digest"], "digest", maxLength: 128)
        try validator.finish()
        return try await certificates.verify(number: number, digest: digest)
    }

    func publicKey(_ request: Request, context: AppRequestContext) async throws -> PublicKey {
        guard let key = signingKey else {
            throw Problem(status: .notFound, detail: "The lab has not created its signing key yet.")
        }
        return PublicKey(
            algorithm: "Ed25519", publicKey: key.publicKeyBase64, encoding: "base64 of the 32-byte raw public key",
            signs: "the 32 bytes of the SHA-256 digest of the certificate's canonical JSON"
        )
    }
}

extension CertificateStore.Verification: ResponseEncodable {}
