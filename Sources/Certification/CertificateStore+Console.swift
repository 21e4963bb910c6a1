import Foundation
import LIMSCore
import PostgresNIO

extension CertificateStore {
    /// The certificates issued from measurements that cited the reference equipment `equipmentId`, newest first: what
    /// to review when that equipment is found out of tolerance (every revision is listed, amendments included).
    public func issued(citingEquipment equipmentId: UUID, page: PageRequest) async throws -> Page<Certificate> {
        let before = try page.cursorValue() ?? Int64.max
        return try await database.connection { connection in
            let rows = try await connection.query(
                """
                SELECT c.seq FROM certificates c JOIN measurements m ON m.job_id = c.job_id
                WHERE \(equipmentId) = ANY(m.equipment_ids) AND c.seq < \(before)
                ORDER BY c.seq DESC LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            )
            var sequences: [Int64] = []
            for try await seq in rows.decode(Int64.self) { sequences.append(seq) }
            let found = Dictionary(
                uniqueKeysWithValues: zip(sequences.sorted(), try await select(seqs: sequences, on: connection).map(\.certificate))
            )
            let ordered = sequences.compactMap { seq in found[seq].map { ($0, seq) } }
            return Page(fetched: ordered, limit: page.limit) { $0.1 }.map { $0.0 }
        }
    }
}
