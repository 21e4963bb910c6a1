import Foundation
import LIMSCore
import Logging
import PostgresNIO

/// The job queue: one job per received item, handed to technicians highest priority first. Owns `jobs`.
///
/// Other modules call the `on:` methods inside their own transaction, so a job appears, is held or leaves the
/// queue exactly when the item change that causes it commits.
public struct JobQueue: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    var logger: Logger { database.logger }

    /// Puts a received item's job at the back of its priority class. An item has one job: a second is 409.
    public func enqueue(
        on connection: PostgresConnection, itemId: UUID, orderId: UUID, customerId: UUID, serviceCode: String, expedited: Bool,
        dueOn: String, audit: AuditContext
    ) async throws -> Job {
        var validator = Validator()
        let code = validator.requireText(serviceCode, "serviceCode", maxLength: 64)
        validator.check(DateFormats.parseDay(dueOn) != nil, "dueOn", "must be a date YYYY-MM-DD")
        try validator.finish()
        let job: Job
        do {
            let rows = try await connection.query(
                """
                INSERT INTO jobs (item_id, order_id, customer_id, service_code, expedited, due_on)
                VALUES (\(itemId), \(orderId), \(customerId), \(code), \(expedited), \(dueOn)::date)
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            guard let inserted = try await Self.decode(rows).first else { throw Problem.notFound("Job") }
            job = inserted
        } catch let error as PSQLError where error.isUniqueViolation("jobs_item_id_key") {
            throw Problem.conflict("The item \(itemId) already has a job.")
        }
        try await record(on: connection, audit, action: "job.enqueued", before: nil, after: job)
        return job
    }

    /// Holds or resumes an item's job: a held job keeps its place in the queue but is never handed out.
    public func setHeld(on connection: PostgresConnection, itemId: UUID, held: Bool, audit: AuditContext) async throws {
        guard let before = try await lock(on: connection, where: "item_id", itemId) else { throw Problem.notFound("Job") }
        guard before.held != held else { return }
        let after = try await update(
            on: connection, before.id,
            "UPDATE jobs SET held = \(held), updated_at = now() WHERE id = \(before.id) RETURNING \(unescaped: Self.columns)"
        )
        try await record(on: connection, audit, action: held ? "job.held" : "job.resumed", before: before, after: after)
    }

    /// Takes a rejected item's job out of the queue for good (state `withdrawn`); 409 once it is certified or withdrawn.
    public func withdraw(on connection: PostgresConnection, itemId: UUID, reason: String, audit: AuditContext) async throws {
        guard let before = try await lock(on: connection, where: "item_id", itemId) else { throw Problem.notFound("Job") }
        guard [.queued, .claimed, .inReview, .awaitingSignature].contains(before.state) else {
            throw Problem.illegalTransition("job", from: before.state.rawValue, action: "withdraw")
        }
        let after = try await update(
            on: connection, before.id,
            """
            UPDATE jobs SET state = 'withdrawn', withdrawn_reason = \(reason), holder_id = NULL, claimed_at = NULL, updated_at = now()
            WHERE id = \(before.id) RETURNING \(unescaped: Self.columns)
            """
        )
        try await record(on: connection, audit, action: "job.withdrawn", before: before, after: after, reason: reason)
    }

    /// A job by id, inside the caller's transaction.
    public func job(id: UUID, on connection: PostgresConnection) async throws -> Job? {
        try await Self.decode(connection.query("SELECT \(unescaped: Self.columns) FROM jobs WHERE id = \(id)", logger: logger)).first
    }

    /// The job of an item, inside the caller's transaction.
    public func job(itemId: UUID, on connection: PostgresConnection) async throws -> Job? {
        try await Self.decode(connection.query("SELECT \(unescaped: Self.columns) FROM jobs WHERE item_id = \(itemId)", logger: logger)).first
    }

    public func job(id: UUID) async throws -> Job? {
        try await database.connection { try await job(id: id, on: $0) }
    }

    /// Moves a job from one of `from` to `to` (certification: claimed → in_review → awaiting_signature → certified,
    /// and in_review → claimed when a review rejects the work). Anything else is 409 naming the current state.
    public func transition(
        on connection: PostgresConnection, jobId: UUID, from: Set<JobState>, to: JobState, audit: AuditContext
    ) async throws -> Job {
        guard let before = try await lock(on: connection, where: "id", jobId) else { throw Problem.notFound("Job") }
        guard from.contains(before.state) else {
            throw Problem.illegalTransition("job", from: before.state.rawValue, action: "move to \(to.rawValue)")
        }
        guard to != .claimed || before.holderId != nil else {
            throw Problem.conflict("A queued job is claimed through POST /v1/jobs/claim.")
        }
        let keepsHolder = to != .queued && to != .withdrawn
        let after = try await update(
            on: connection, jobId,
            """
            UPDATE jobs SET state = \(to.rawValue), updated_at = now(),
                   holder_id = CASE WHEN \(keepsHolder) THEN holder_id END, claimed_at = CASE WHEN \(keepsHolder) THEN claimed_at END
            WHERE id = \(jobId) RETURNING \(unescaped: Self.columns)
            """
        )
        try await record(on: connection, audit, action: "job.transitioned", before: before, after: after)
        return after
    }

    /// Hands the caller the most urgent queued, unheld job it may perform (intersected with `serviceCodes` when
    /// given), or nil when none is left. The claim is ONE statement, sent without BEGIN/COMMIT: it asks Accounts'
    /// `authorized_services` which services the caller may perform, picks and claims the job with SKIP LOCKED (so
    /// claimers pass each other), and writes the audit event through the core's `record_audit_event` in the same
    /// statement, so the claim and its audit commit together in one round trip.
    public func claim(userId: UUID, serviceCodes: [String]?, audit: AuditContext) async throws -> Job? {
        let rows = try await database.client.query(
            """
            WITH claimed AS (
                UPDATE jobs SET state = 'claimed', holder_id = \(userId), claimed_at = now(), updated_at = now()
                WHERE id = (
                    SELECT id FROM jobs
                    WHERE state = 'queued' AND NOT held
                      AND service_code = ANY(ARRAY(
                          SELECT unnest(authorized_services(\(userId), 'perform'))
                          INTERSECT SELECT unnest(coalesce(\(serviceCodes)::text[], authorized_services(\(userId), 'perform')))))
                    ORDER BY expedited DESC, due_on, enqueued_at, id
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED
                )
                RETURNING \(unescaped: Self.columns)
            ), audited AS (
                SELECT record_audit_event(\(audit.actor.kind), \(audit.actor.id), \(audit.actor.name), 'job.claimed', 'job', id::text, NULL,
                    jsonb_build_object('id', id, 'itemId', item_id, 'orderId', order_id, 'customerId', customer_id, 'serviceCode', service_code,
                                       'state', state, 'priority', CASE WHEN expedited THEN 'expedited' ELSE 'standard' END, 'dueOn', due_on,
                                       'enqueuedAt', to_char(enqueued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'held', held,
                                       'holderId', holder_id, 'claimedAt', to_char(claimed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
                    \(audit.requestId)) AS event
                FROM claimed
            )
            SELECT \(unescaped: Self.columns) FROM claimed, audited
            """,
            logger: logger
        )
        return try await Self.decode(rows).first
    }

    /// Puts a claimed job back in the queue, in its old place. Only its holder or an admin may; 409 unless claimed.
    public func release(jobId: UUID, by staff: StaffPrincipal, audit: AuditContext) async throws -> Job {
        try await database.transaction { connection in
            guard let before = try await lock(on: connection, where: "id", jobId) else { throw Problem.notFound("Job") }
            guard before.state == .claimed else { throw Problem.illegalTransition("job", from: before.state.rawValue, action: "release") }
            guard before.holderId == staff.id || staff.roles.contains(.admin) else {
                throw Problem.forbidden("Only the job's holder or an admin may release it.")
            }
            let after = try await update(
                on: connection, jobId,
                """
                UPDATE jobs SET state = 'queued', holder_id = NULL, claimed_at = NULL, updated_at = now()
                WHERE id = \(jobId) RETURNING \(unescaped: Self.columns)
                """
            )
            try await record(on: connection, audit, action: "job.released", before: before, after: after)
            return after
        }
    }

    /// Jobs in enqueue order, optionally of one state, one service and one holder.
    public func list(state: JobState?, serviceCode: String?, holderId: UUID? = nil, page: PageRequest) async throws -> Page<Job> {
        let after = try page.cursorValue() ?? 0
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.columns), seq FROM jobs
            WHERE seq > \(after)
              AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue))
              AND (\(serviceCode)::text IS NULL OR service_code = \(serviceCode))
              AND (\(holderId)::uuid IS NULL OR holder_id = \(holderId))
            ORDER BY seq LIMIT \(page.limit + 1)
            """,
            logger: logger
        )
        var found: [(Job, Int64)] = []
        for try await row in rows {
            found.append((try Self.job(from: row), try row.makeRandomAccess()["seq"].decode(Int64.self)))
        }
        return Page(fetched: found, limit: page.limit) { $0.1 }.map { $0.0 }
    }

    // MARK: - Rows

    func lock(on connection: PostgresConnection, where column: String, _ id: UUID) async throws -> Job? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM jobs WHERE \(unescaped: column) = \(id) FOR UPDATE", logger: logger
        )
        return try await Self.decode(rows).first
    }

    func update(on connection: PostgresConnection, _ id: UUID, _ query: PostgresQuery) async throws -> Job {
        guard let job = try await Self.decode(connection.query(query, logger: logger)).first else { throw Problem.notFound("Job") }
        return job
    }

    func record(
        on connection: PostgresConnection, _ audit: AuditContext, action: String, before: Job?, after: Job, reason: String? = nil
    ) async throws {
        var image = try JSONValue(encoding: after)
        if let reason, case .object(var object) = image {
            object["reason"] = .string(reason)
            image = .object(object)
        }
        try await AuditLog.record(
            on: connection, audit, action: action, entity: "job", entityId: after.id.uuidString, before: before, after: image, logger: logger
        )
    }

    static let columns = "id, item_id, order_id, customer_id, service_code, state, expedited, due_on::text, enqueued_at, held, holder_id, claimed_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Job] {
        var jobs: [Job] = []
        for try await row in rows { jobs.append(try job(from: row)) }
        return jobs
    }

    static func job(from row: PostgresRow) throws -> Job {
        let (id, item, order, customer, code, state, expedited, dueOn, enqueuedAt, held, holder, claimedAt) = try row.decode(
            (UUID, UUID, UUID, UUID, String, String, Bool, String, Date, Bool, UUID?, Date?).self
        )
        let jobState = try StoredValue.decode(JobState.self, state, table: "jobs", column: "state")
        return Job(
            id: id, itemId: item, orderId: order, customerId: customer, serviceCode: code, state: jobState,
            priority: expedited ? .expedited : .standard, dueOn: dueOn, enqueuedAt: enqueuedAt, held: held, holderId: holder,
            claimedAt: claimedAt
        )
    }
}
