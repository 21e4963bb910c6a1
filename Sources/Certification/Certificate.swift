import Foundation
import Hummingbird

/// An issued certificate as the API shows it in JSON: the frozen document with its digest and signature.
public struct Certificate: Codable, Sendable {
    public var id: UUID
    public var number: String
    public var revision: Int
    /// `issued`, or `superseded` once an amendment replaced it.
    public var status: String
    public var supersedes: UUID?
    public var supersededBy: UUID?
    public var jobId: UUID
    public var itemId: UUID
    public var orderId: UUID
    public var customerId: UUID
    public var documentKind: String
    public var issuedAt: Date
    public var document: CertificateDocument
    /// SHA-256 (hex) of the canonical JSON of `document`.
    public var digest: String
    /// Ed25519 over the digest's 32 bytes, base64; check with `GET /v1/certificates/public-key`.
    public var signature: String
    /// SHA-256 (hex) of each rendered document (`html`, `text`, `dcc`), signed with the content; absent for
    /// certificates signed before documents were digested.
    public var documents: CertificateDocument.DocumentDigests?
}

extension Certificate: ResponseEncodable {}
