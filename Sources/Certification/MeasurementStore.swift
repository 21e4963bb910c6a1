import Foundation
import LIMSCore
import PostgresNIO
import Scheduling
import Uncertainty

/// A measurement record of a job: the draft its holder replaces until submitting it.
public struct MeasurementRecord: Codable, Sendable {
    public var jobId: UUID
    public var performerId: UUID
    public var measuredOn: String
    public var equipmentIds: [UUID]
    public var environment: MeasurementInput.Environment
    public var points: [EvaluatedPoint]
    public var submitted: Bool
}

/// Measurements and their submission for review. Owns `measurements`.
public struct MeasurementStore: Sendable {
    let dependencies: CertificationDependencies
    var database: Database { dependencies.database }

    public init(dependencies: CertificationDependencies) {
        self.dependencies = dependencies
    }

    /// Checks a measurement as saving does (the job held by `staff`, cited equipment usable today, environment, every
    /// point) and names every problem at once, with `extra` problems the caller found itself; writes nothing.
    public func check(jobId: UUID, input: MeasurementInput, by staff: StaffPrincipal, extra: [LIMSCore.FieldIssue]) async throws {
        _ = try await database.connection { connection in
            try await validated(jobId: jobId, input: input, by: staff, extra: extra, on: connection)
        }
    }

    func validated(
        jobId: UUID, input: MeasurementInput, by staff: StaffPrincipal, extra: [LIMSCore.FieldIssue], on connection: PostgresConnection
    ) async throws -> (Job, MeasurementRecord) {
        let job = try await heldJob(jobId, by: staff, on: connection)
        guard let service = try await dependencies.facts.service(job.serviceCode, connection) else { throw Problem.notFound("Service") }
        let today = DateFormats.formatDay(Date())
        var validator = Validator()
        var equipmentIds: [UUID] = []
        if let raw = input.equipmentIds, !raw.isEmpty {
            for (index, text) in raw.enumerated() {
                if let id = UUID(uuidString: text) { equipmentIds.append(id) } else { validator.add("equipmentIds[\(index)]", "must be a UUID") }
            }
        } else {
            validator.add("equipmentIds", "must cite the reference equipment used")
        }
        validator.add(contentsOf: try await dependencies.equipment.issues(
            equipmentIds: equipmentIds, serviceCode: job.serviceCode, day: today, on: connection
        ).filter { issue in !validator.issues.contains { $0.field == issue.field } })
        let environment = input.environment
        validator.check(environment?.temperatureC?.value != nil, "environment.temperatureC", "is required, in °C")
        if let humidity = environment?.relativeHumidityPct?.value {
            validator.check(humidity >= 0 && humidity <= 100, "environment.relativeHumidityPct", "must be from 0 to 100")
        } else {
            validator.add("environment.relativeHumidityPct", "is required, in %")
        }
        let points = PointEvaluator.evaluate(input.points, serviceMPE: service.mpe, rule: service.decisionRule, validator: &validator)
        validator.add(contentsOf: extra.filter { issue in !validator.issues.contains { $0.field == issue.field } })
        try validator.finish()

        let record = MeasurementRecord(
            jobId: jobId, performerId: staff.id, measuredOn: today, equipmentIds: equipmentIds,
            environment: environment ?? .init(temperatureC: nil, relativeHumidityPct: nil), points: points, submitted: false
        )
        return (job, record)
    }

    /// Validates, derives every point, checks the cited equipment, and replaces the job's draft.
    public func save(jobId: UUID, input: MeasurementInput, by staff: StaffPrincipal, audit: AuditContext) async throws -> MeasurementRecord {
        try await database.transaction { connection in
            let (job, record) = try await validated(jobId: jobId, input: input, by: staff, extra: [], on: connection)
            try await connection.query(
                """
                INSERT INTO measurements (job_id, item_id, performer_id, measured_on, equipment_ids, environment, points)
                VALUES (\(jobId), \(job.itemId), \(staff.id), \(record.measuredOn)::date, \(record.equipmentIds),
                        \(try JSONValue(encoding: record.environment)), \(try JSONValue(encoding: record.points)))
                ON CONFLICT (job_id) DO UPDATE SET performer_id = EXCLUDED.performer_id, measured_on = EXCLUDED.measured_on,
                    equipment_ids = EXCLUDED.equipment_ids, environment = EXCLUDED.environment, points = EXCLUDED.points, updated_at = now()
                """,
                logger: database.logger
            )
            try await dependencies.facts.testStarted(job.itemId, connection, audit)
            try await AuditLog.record(
                on: connection, audit, action: "measurements.recorded", entity: "job", entityId: jobId.uuidString, after: record, logger: database.logger
            )
            return record
        }
    }

    /// Hands the draft to review: the job goes `claimed → in_review`.
    public func submit(jobId: UUID, by staff: StaffPrincipal, audit: AuditContext) async throws -> Job {
        try await database.transaction { connection in
            _ = try await heldJob(jobId, by: staff, on: connection)
            guard try await record(jobId: jobId, on: connection) != nil else {
                throw Problem.conflict("Record the measurements before submitting the job.", extensions: ["currentState": .string("claimed")])
            }
            try await connection.query("UPDATE measurements SET submitted_at = now() WHERE job_id = \(jobId)", logger: database.logger)
            return try await dependencies.jobs.transition(on: connection, jobId: jobId, from: [.claimed], to: .inReview, audit: audit)
        }
    }

    /// The job, when `staff` holds it and it is still being measured: 403 for anyone else, 409 in another state.
    func heldJob(_ jobId: UUID, by staff: StaffPrincipal, on connection: PostgresConnection) async throws -> Job {
        guard let job = try await dependencies.jobs.job(id: jobId, on: connection) else { throw Problem.notFound("Job") }
        guard job.holderId == staff.id else { throw Problem.forbidden("Only the technician holding the job may record or submit its measurements.") }
        guard job.state == .claimed else { throw Problem.illegalTransition("job", from: job.state.rawValue, action: "record measurements for") }
        return job
    }

    public func record(jobId: UUID, on connection: PostgresConnection) async throws -> MeasurementRecord? {
        let rows = try await connection.query(
            """
            SELECT performer_id, measured_on::text, equipment_ids, environment, points, submitted_at IS NOT NULL
            FROM measurements WHERE job_id = \(jobId)
            """,
            logger: database.logger
        )
        for try await (performer, day, equipment, environment, points, submitted) in rows.decode(
            (UUID, String, [UUID], JSONValue, JSONValue, Bool).self
        ) {
            let decoder = JSONDecoder()
            return MeasurementRecord(
                jobId: jobId, performerId: performer, measuredOn: day, equipmentIds: equipment,
                environment: try decoder.decode(MeasurementInput.Environment.self, from: JSONValue.encoder.encode(environment)),
                points: try decoder.decode([EvaluatedPoint].self, from: JSONValue.encoder.encode(points)), submitted: submitted
            )
        }
        return nil
    }
}
