import Foundation
import LIMSCore
import PostgresNIO

extension InstrumentStore {
    /// An instrument as an order (or an import) identifies it, with what the ordered service says about it.
    public struct Identification: Sendable, Equatable {
        public var manufacturer: String
        public var model: String
        public var serialNumber: String
        public var assetTag: String?
        public var description: String?
        /// The catalogue's instrument category of the ordered service.
        public var category: String?
        /// Set when the ordered service is a mandatory verification.
        public var mandatoryVerificationCategory: MandatoryVerificationCategory?

        public init(
            manufacturer: String, model: String, serialNumber: String, assetTag: String? = nil, description: String? = nil,
            category: String? = nil, mandatoryVerificationCategory: MandatoryVerificationCategory? = nil
        ) {
            self.manufacturer = manufacturer
            self.model = model
            self.serialNumber = serialNumber
            self.assetTag = assetTag
            self.description = description
            self.category = category
            self.mandatoryVerificationCategory = mandatoryVerificationCategory
        }
    }

    /// The customer's registered instrument for each identification, in order, registering those seen for the first time,
    /// in one statement on the caller's connection (order submission's transaction).
    ///
    /// Identifications match after normalisation (case, surrounding and repeated whitespace); the same instrument twice in
    /// one call gets one id. The unique index on owner and normalised identification decides between concurrent
    /// submissions: `INSERT … ON CONFLICT DO UPDATE` waits for the other transaction and returns the row it made, so two
    /// orders racing for a new instrument end with one instrument. Rows are written in identification order, so two
    /// orders naming the same instruments in different orders cannot deadlock. A registration is audited in the same
    /// statement (`record_audit_event`); a known instrument only notes when it was last ordered, its asset tag and
    /// description if the order gives them, and a mandatory-verification use it did not have.
    public func register(
        _ identifications: [Identification], customerId: UUID, on connection: PostgresConnection, audit: AuditContext
    ) async throws -> [UUID] {
        guard !identifications.isEmpty else { return [] }
        // Optional columns travel as text arrays beside a presence flag: PostgreSQL's binary arrays here carry no NULL element.
        let rows = try await connection.query(
            """
            WITH l AS (
                SELECT l.*, instrument_identity(l.manufacturer) AS mk, instrument_identity(l.model) AS mok, instrument_identity(l.serial) AS sk
                FROM unnest(\(identifications.map(\.manufacturer)), \(identifications.map(\.model)), \(identifications.map(\.serialNumber)),
                            \(identifications.map { $0.assetTag ?? "" }), \(identifications.map { $0.assetTag != nil }),
                            \(identifications.map { $0.description ?? "" }), \(identifications.map { $0.description != nil }),
                            \(identifications.map { $0.category ?? "" }), \(identifications.map { $0.category != nil }),
                            \(identifications.map { $0.mandatoryVerificationCategory?.rawValue ?? "" }),
                            \(identifications.map { $0.mandatoryVerificationCategory != nil }))
                     WITH ORDINALITY AS l(manufacturer, model, serial, tag, has_tag, description, has_description, category, has_category,
                                          mandatory, has_mandatory, line)
            ), upserted AS (
                INSERT INTO instruments (customer_id, manufacturer, model, serial_number, asset_tag, description, category,
                                         mandatory_verification_category)
                SELECT DISTINCT ON (mk, mok, sk) \(customerId), manufacturer, model, serial, CASE WHEN has_tag THEN tag END,
                       CASE WHEN has_description THEN description END, CASE WHEN has_category THEN category END,
                       CASE WHEN has_mandatory THEN mandatory END
                FROM l ORDER BY mk, mok, sk, line
                ON CONFLICT (customer_id, manufacturer_key, model_key, serial_key) DO UPDATE SET
                    last_ordered_at = now(),
                    asset_tag = coalesce(EXCLUDED.asset_tag, instruments.asset_tag),
                    description = coalesce(EXCLUDED.description, instruments.description),
                    category = coalesce(instruments.category, EXCLUDED.category),
                    mandatory_verification_category = coalesce(instruments.mandatory_verification_category, EXCLUDED.mandatory_verification_category)
                RETURNING id, manufacturer_key, model_key, serial_key, xmax = 0 AS inserted, manufacturer, model, serial_number
            ), audited AS (
                SELECT record_audit_event(\(audit.actor.kind), \(audit.actor.id), \(audit.actor.name), 'instrument.registered', 'instrument',
                                          u.id::text, NULL,
                                          jsonb_build_object('customerId', \(customerId)::uuid, 'manufacturer', u.manufacturer, 'model', u.model,
                                                             'serialNumber', u.serial_number),
                                          \(audit.requestId))
                FROM upserted u WHERE u.inserted
            )
            SELECT u.id, (SELECT count(*) FROM audited) FROM l JOIN upserted u ON (u.manufacturer_key, u.model_key, u.serial_key) = (l.mk, l.mok, l.sk)
            ORDER BY l.line
            """,
            logger: database.logger
        )
        var ids: [UUID] = []
        for try await (id, _) in rows.decode((UUID, Int64).self) { ids.append(id) }
        guard ids.count == identifications.count else {
            throw Problem(status: .internalServerError, detail: "The instruments of the order were not all registered.")
        }
        return ids
    }
}
