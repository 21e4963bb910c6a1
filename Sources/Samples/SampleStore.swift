import Foundation
import LIMSCore
import Logging
import Orders
import PostgresNIO
import Reports

/// Sample tracking: receipt with lab numbers, moves, holds, rejection and return, and the chain of custody.
/// Owns `item_receipts` and `custody_events`; changes an item's status only through ``OrderStore/transitionItem``.
///
/// Every change writes exactly one custody event in its own transaction. The job queue lives downstream, so the
/// server injects it as hooks that run inside that same transaction.
public struct SampleStore: Sendable {
    /// Runs when an item is received: the server queues its job here.
    public typealias ReceivedHook = @Sendable (PostgresConnection, ReceivedItem, AuditContext) async throws -> Void
    /// Runs when an item is put on hold (`true`) or resumed (`false`), with the item id.
    public typealias HeldHook = @Sendable (PostgresConnection, UUID, Bool, AuditContext) async throws -> Void
    /// Runs when an item is rejected, with the item id and the reason: its job leaves the queue here.
    public typealias RejectedHook = @Sendable (PostgresConnection, UUID, String, AuditContext) async throws -> Void
    /// A customer's name by id (Accounts owns customers), for labels; `nil` when unknown.
    public typealias CustomerName = @Sendable (UUID, PostgresConnection) async throws -> String?
    /// A customer's `documentLanguage` (`en`, `zh-Hans`, `bilingual`), the language of its labels; `nil` when unknown.
    public typealias CustomerLanguage = @Sendable (UUID, PostgresConnection) async throws -> String?

    let database: Database
    let orders: OrderStore
    let customerName: CustomerName
    let customerLanguage: CustomerLanguage
    let onReceived: ReceivedHook
    let onHeld: HeldHook
    let onRejected: RejectedHook

    public init(
        database: Database, orders: OrderStore, customerName: @escaping CustomerName,
        customerLanguage: @escaping CustomerLanguage = { _, _ in nil },
        onReceived: @escaping ReceivedHook = { _, _, _ in },
        onHeld: @escaping HeldHook = { _, _, _, _ in },
        onRejected: @escaping RejectedHook = { _, _, _, _ in }
    ) {
        self.database = database
        self.orders = orders
        self.customerName = customerName
        self.customerLanguage = customerLanguage
        self.onReceived = onReceived
        self.onHeld = onHeld
        self.onRejected = onRejected
    }

    var logger: Logger { database.logger }

    // MARK: Receipt

    /// Receives an instrument of an accepted or in-progress order: gives it its lab number, records its condition and
    /// location, starts the order, queues its job and tells the customer. A second receipt is 409.
    public func receive(itemId: UUID, condition: ItemCondition, notes: String?, location: String, audit: AuditContext) async throws -> SampleItem {
        try await database.transaction { connection in
            guard let item = try await orders.item(id: itemId, on: connection),
                let order = try await orders.order(id: item.orderId, on: connection, lock: true)
            else { throw Problem.notFound("Item") }
            guard order.status == .accepted || order.status == .inProgress else {
                throw Problem.illegalTransition("order", from: order.status.rawValue, action: "receive an instrument of")
            }
            try await orders.transitionItem(id: itemId, from: [.awaitingReceipt], to: .received, action: "receive", on: connection, audit: audit)
            let number = try await Numbering.sequential("ITM", on: connection, logger: logger)
            let receivedAt: Date
            do {
                let rows = try await connection.query(
                    """
                    INSERT INTO item_receipts (item_id, number, condition, condition_notes, location, received_by, received_by_name)
                    VALUES (\(itemId), \(number), \(condition.rawValue), \(notes), \(location), \(audit.actor.id), \(audit.actor.name))
                    RETURNING received_at
                    """,
                    logger: logger
                )
                var inserted: Date?
                for try await at in rows.decode(Date.self) { inserted = at }
                guard let inserted else { throw Problem.notFound("Item") }
                receivedAt = inserted
            } catch let error as PSQLError where error.isUniqueViolation("item_receipts_pkey") {
                throw Problem.illegalTransition("item", from: ItemStatus.received.rawValue, action: "receive")
            }
            try await appendCustody(
                on: connection, itemId: itemId, audit: audit, action: .received, from: (nil, ItemStatus.awaitingReceipt.rawValue),
                to: (location, ItemStatus.received.rawValue), reason: nil,
                details: ["number": .string(number), "condition": .string(condition.rawValue), "notes": notes.map(JSONValue.string) ?? .null]
            )
            try await AuditLog.record(
                on: connection, audit, action: "item.receipt", entity: "item", entityId: itemId.uuidString,
                after: ReceiptImage(number: number, condition: condition.rawValue, notes: notes, location: location), logger: logger
            )
            try await orders.markInProgress(orderId: order.id, on: connection, audit: audit)
            let received = ReceivedItem(
                itemId: itemId, orderId: order.id, customerId: order.customerId, serviceCode: item.serviceCode,
                expedited: order.priority == .expedited, number: number, receivedAt: receivedAt
            )
            try await onReceived(connection, received, audit)
            try await CustomerEventLog.append(
                on: connection, customerId: order.customerId, type: "item.received", subjectId: itemId,
                data: ReceivedEventData(
                    itemId: itemId, number: number, orderId: order.id, orderNumber: order.number, serviceCode: item.serviceCode,
                    serialNumber: item.instrument.serialNumber, condition: condition.rawValue, receivedAt: receivedAt
                ),
                logger: logger
            )
            return try await requireItem(id: itemId, on: connection)
        }
    }

    struct ReceiptImage: Encodable, Sendable {
        var number: String
        var condition: String
        var notes: String?
        var location: String
    }

    struct ReceivedEventData: Encodable, Sendable {
        var itemId: UUID
        var number: String
        var orderId: UUID
        var orderNumber: String
        var serviceCode: String
        var serialNumber: String
        var condition: String
        var receivedAt: Date
    }

    // MARK: Custody changes after receipt

    /// Moves a received instrument to another location (any status between receipt and return).
    public func move(itemId: UUID, to location: String, audit: AuditContext) async throws -> SampleItem {
        try await afterReceipt(itemId: itemId, action: "move") { connection, receipt, item in
            let movable: Set<ItemStatus> = [.received, .inTest, .onHold, .certified, .rejected]
            guard movable.contains(item.status) else { throw Problem.illegalTransition("item", from: item.status.rawValue, action: "move") }
            try await connection.query("UPDATE item_receipts SET location = \(location) WHERE item_id = \(itemId)", logger: logger)
            try await appendCustody(
                on: connection, itemId: itemId, audit: audit, action: .moved, from: (receipt.location, item.status.rawValue),
                to: (location, item.status.rawValue), reason: nil
            )
            try await AuditLog.record(
                on: connection, audit, action: "item.move", entity: "item", entityId: itemId.uuidString,
                before: ["location": receipt.location], after: ["location": location], logger: logger
            )
        }
    }

    /// Puts a received or in-test instrument on hold (its job cannot be claimed), remembering the status to resume to.
    public func hold(itemId: UUID, reason: String, audit: AuditContext) async throws -> SampleItem {
        try await afterReceipt(itemId: itemId, action: "hold") { connection, receipt, item in
            let status = try await changeStatus(
                itemId: itemId, allowed: [.received, .inTest], current: item.status, to: .onHold, action: "hold", on: connection, audit: audit
            ) { try await onHeld(connection, itemId, true, audit) }
            try await connection.query("UPDATE item_receipts SET held_from = \(status.rawValue) WHERE item_id = \(itemId)", logger: logger)
            try await appendCustody(
                on: connection, itemId: itemId, audit: audit, action: .held, from: (receipt.location, status.rawValue),
                to: (receipt.location, ItemStatus.onHold.rawValue), reason: reason
            )
        }
    }

    /// Takes an instrument off hold, back to the status it had when it was held.
    public func resume(itemId: UUID, reason: String?, audit: AuditContext) async throws -> SampleItem {
        try await afterReceipt(itemId: itemId, action: "resume") { connection, receipt, item in
            // `held_from` is recorded whenever an item is on hold; an item in another status is refused (409) below.
            guard let target = receipt.heldFrom ?? (item.status == .onHold ? nil : .received) else {
                throw StoredValueError(table: "item_receipts", column: "held_from", value: "NULL", type: String(describing: ItemStatus.self))
            }
            _ = try await changeStatus(
                itemId: itemId, allowed: [.onHold], current: item.status, to: target, action: "resume", on: connection, audit: audit
            ) { try await onHeld(connection, itemId, false, audit) }
            try await connection.query("UPDATE item_receipts SET held_from = NULL WHERE item_id = \(itemId)", logger: logger)
            try await appendCustody(
                on: connection, itemId: itemId, audit: audit, action: .resumed, from: (receipt.location, ItemStatus.onHold.rawValue),
                to: (receipt.location, target.rawValue), reason: reason
            )
        }
    }

    /// Rejects an instrument (e.g. damaged beyond calibration): its job leaves the queue, it will not be invoiced,
    /// and the order completes if this was its last open item.
    public func reject(itemId: UUID, reason: String, audit: AuditContext) async throws -> SampleItem {
        try await afterReceipt(itemId: itemId, action: "reject") { connection, receipt, item in
            let status = try await changeStatus(
                itemId: itemId, allowed: [.received, .onHold, .inTest], current: item.status, to: .rejected, action: "reject",
                on: connection, audit: audit
            ) { try await onRejected(connection, itemId, reason, audit) }
            try await connection.query("UPDATE item_receipts SET held_from = NULL WHERE item_id = \(itemId)", logger: logger)
            try await appendCustody(
                on: connection, itemId: itemId, audit: audit, action: .rejected, from: (receipt.location, status.rawValue),
                to: (receipt.location, ItemStatus.rejected.rawValue), reason: reason
            )
            try await orders.completeIfFinished(orderId: item.orderId, on: connection, audit: audit)
        }
    }

    /// Hands an instrument back to its owner, once its work is certified or it was rejected. It leaves the lab: no location.
    public func returnToOwner(itemId: UUID, method: String, trackingNumber: String?, audit: AuditContext) async throws -> SampleItem {
        try await afterReceipt(itemId: itemId, action: "return") { connection, receipt, item in
            let status = try await changeStatus(
                itemId: itemId, allowed: [.certified, .rejected], current: item.status, to: .returned, action: "return", on: connection,
                audit: audit
            ) {}
            try await connection.query("UPDATE item_receipts SET location = NULL WHERE item_id = \(itemId)", logger: logger)
            try await appendCustody(
                on: connection, itemId: itemId, audit: audit, action: .returned, from: (receipt.location, status.rawValue),
                to: (nil, ItemStatus.returned.rawValue), reason: nil,
                details: ["method": .string(method), "trackingNumber": trackingNumber.map(JSONValue.string) ?? .null]
            )
        }
    }

    /// Runs `change` in a transaction with the item's receipt row locked, so custody changes of one item are serialised
    /// and each reads the location and status the previous one left. An item not yet received is 409.
    func afterReceipt(
        itemId: UUID, action: String, _ change: (PostgresConnection, Receipt, OrderItem) async throws -> Void
    ) async throws -> SampleItem {
        try await database.transaction { connection in
            let receipt = try await receipt(itemId: itemId, on: connection, lock: true)
            guard let item = try await orders.item(id: itemId, on: connection) else { throw Problem.notFound("Item") }
            guard let receipt else { throw Problem.illegalTransition("item", from: item.status.rawValue, action: action) }
            try await change(connection, receipt, item)
            return try await requireItem(id: itemId, on: connection)
        }
    }

    /// Checks `current` against `allowed` (409 naming it), runs `effect` (the job-queue hook, which locks the job
    /// before the item, in the order the queue itself uses), then changes the status from the one the item has now.
    /// Returns the status the item left.
    func changeStatus(
        itemId: UUID, allowed: Set<ItemStatus>, current: ItemStatus, to target: ItemStatus, action: String, on connection: PostgresConnection,
        audit: AuditContext, effect: () async throws -> Void
    ) async throws -> ItemStatus {
        guard allowed.contains(current) else { throw Problem.illegalTransition("item", from: current.rawValue, action: action) }
        try await effect()
        guard let latest = try await orders.item(id: itemId, on: connection) else { throw Problem.notFound("Item") }
        guard allowed.contains(latest.status) else { throw Problem.illegalTransition("item", from: latest.status.rawValue, action: action) }
        try await orders.transitionItem(id: itemId, from: [latest.status], to: target, action: action, on: connection, audit: audit)
        return latest.status
    }

    func appendCustody(
        on connection: PostgresConnection, itemId: UUID, audit: AuditContext, action: CustodyAction, from: (location: String?, status: String?),
        to: (location: String?, status: String?), reason: String?, details: [String: JSONValue] = [:]
    ) async throws {
        try await connection.query(
            """
            INSERT INTO custody_events (item_id, actor_kind, actor_id, actor_name, action, from_location, to_location, from_status, to_status,
                                        reason, details)
            VALUES (\(itemId), \(audit.actor.kind), \(audit.actor.id), \(audit.actor.name), \(action.rawValue), \(from.location), \(to.location),
                    \(from.status), \(to.status), \(reason), \(JSONValue.object(details)))
            """,
            logger: logger
        )
    }

    // MARK: Reading

    /// The item as `scope` may see it (`nil` for staff): another customer's item is indistinguishable from a missing one.
    public func item(id: UUID, scope: UUID?) async throws -> SampleItem {
        let item: SampleItem? = try await database.connection { connection in try await self.item(id: id, on: connection) }
        guard let item, scope == nil || item.customerId == scope else { throw Problem.notFound("Item") }
        return item
    }

    /// The item with its order number and receipt, inside the caller's transaction.
    public func item(id: UUID, on connection: PostgresConnection) async throws -> SampleItem? {
        guard let item = try await orders.item(id: id, on: connection),
            let order = try await orders.order(id: item.orderId, on: connection)
        else { return nil }
        return Self.view(item, order: order, receipt: try await receipt(itemId: id, on: connection))
    }

    func requireItem(id: UUID, on connection: PostgresConnection) async throws -> SampleItem {
        guard let item = try await item(id: id, on: connection) else { throw Problem.notFound("Item") }
        return item
    }

    /// Items by the instrument's serial number and/or lab number; a customer finds only its own. By serial number,
    /// in order of submission, one page at a time; a lab number names at most one item (one page, no cursor).
    public func find(serialNumber: String?, number: String?, scope: UUID?, page: PageRequest) async throws -> Page<SampleItem> {
        if let number {
            let found: SampleItem? = try await database.connection { connection in
                let rows = try await connection.query("SELECT item_id FROM item_receipts WHERE number = \(number)", logger: logger)
                for try await id in rows.decode(UUID.self) { return try await item(id: id, on: connection) }
                return nil
            }
            guard let found, scope == nil || found.customerId == scope, serialNumber == nil || found.instrument.serialNumber == serialNumber else {
                return Page(items: [], nextCursor: nil)
            }
            return Page(items: [found], nextCursor: nil)
        }
        let after = try page.cursorValue() ?? 0
        let candidates = try await orders.items(serialNumber: serialNumber, scope: scope, after: after, limit: page.limit + 1)
        let fetched: [(position: Int64, item: SampleItem)] = try await database.connection { connection in
            var orderCache: [UUID: Order] = [:]
            var result: [(position: Int64, item: SampleItem)] = []
            for (position, item) in candidates {
                if orderCache[item.orderId] == nil { orderCache[item.orderId] = try await orders.order(id: item.orderId, on: connection) }
                guard let order = orderCache[item.orderId], scope == nil || order.customerId == scope else { continue }
                result.append((position, Self.view(item, order: order, receipt: try await receipt(itemId: item.id, on: connection))))
            }
            return result
        }
        return Page(fetched: fetched, limit: page.limit) { $0.position }.map { $0.item }
    }

    /// The chain of custody of an item, oldest first, keyset-paged; for staff and the owning customer.
    public func custody(itemId: UUID, scope: UUID?, page: PageRequest) async throws -> Page<CustodyEvent> {
        _ = try await item(id: itemId, scope: scope)
        let after = try page.cursorValue() ?? 0
        let rows = try await database.client.query(
            """
            SELECT id, seq, item_id, at, actor_kind, actor_id, actor_name, action, from_location, to_location, from_status, to_status,
                   reason, details
            FROM custody_events WHERE item_id = \(itemId) AND seq > \(after)
            ORDER BY seq LIMIT \(page.limit + 1)
            """,
            logger: logger
        )
        var events: [CustodyEvent] = []
        for try await row in rows.decode(
            (UUID, Int64, UUID, Date, String, UUID?, String?, String, String?, String?, String?, String?, String?, JSONValue).self
        ) {
            events.append(
                CustodyEvent(
                    id: row.0, sequence: row.1, itemId: row.2, at: row.3, actor: AuditActor(kind: row.4, id: row.5, name: row.6),
                    action: try StoredValue.decode(CustodyAction.self, row.7, table: "custody_events", column: "action"),
                    fromLocation: row.8, toLocation: row.9, fromStatus: row.10, toStatus: row.11, reason: row.12, details: row.13
                )
            )
        }
        return Page(fetched: events, limit: page.limit) { $0.sequence }
    }

    /// The printable label of a received item (staff); 409 before receipt, when it has no lab number yet.
    public func label(itemId: UUID) async throws -> String {
        try await database.connection { connection in
            guard let item = try await item(id: itemId, on: connection) else { throw Problem.notFound("Item") }
            let customer = try await customerName(item.customerId, connection)
            // Labels are printed when asked for, in the customer's language at that moment.
            let language = try await customerLanguage(item.customerId, connection).flatMap(DocumentLanguage.init(rawValue:)) ?? .en
            guard let html = ItemLabel(item: item, customerName: customer ?? "", language: language).html else {
                throw Problem.illegalTransition("item", from: item.status.rawValue, action: "print a label for")
            }
            return html
        }
    }

    // MARK: Rows

    struct Receipt: Sendable {
        var number: String
        var condition: ItemCondition
        var conditionNotes: String?
        var location: String?
        var heldFrom: ItemStatus?
        var receivedAt: Date
    }

    func receipt(itemId: UUID, on connection: PostgresConnection, lock: Bool = false) async throws -> Receipt? {
        let rows = try await connection.query(
            """
            SELECT number, condition, condition_notes, location, held_from, received_at FROM item_receipts
            WHERE item_id = \(itemId) \(unescaped: lock ? "FOR UPDATE" : "")
            """,
            logger: logger
        )
        let columns = (String, String, String?, String?, String?, Date).self
        for try await (number, condition, notes, location, heldFrom, receivedAt) in rows.decode(columns) {
            return Receipt(
                number: number, condition: try StoredValue.decode(ItemCondition.self, condition, table: "item_receipts", column: "condition"),
                conditionNotes: notes, location: location,
                heldFrom: try StoredValue.decodeIfPresent(ItemStatus.self, heldFrom, table: "item_receipts", column: "held_from"),
                receivedAt: receivedAt
            )
        }
        return nil
    }

    static func view(_ item: OrderItem, order: Order, receipt: Receipt?) -> SampleItem {
        SampleItem(
            id: item.id, number: receipt?.number, orderId: order.id, orderNumber: order.number, customerId: order.customerId,
            lineNumber: item.lineNumber, serviceCode: item.serviceCode, status: item.status, instrument: item.instrument,
            condition: receipt?.condition, conditionNotes: receipt?.conditionNotes, location: receipt?.location,
            receivedAt: receipt?.receivedAt
        )
    }
}
