import Accounts
import Foundation
import Instruments
import LIMSCore
import Logging
import PostgresNIO

/// Orders and their items. Owns `orders` and `order_items`; other modules change an order or an item
/// only through this API, inside their own transaction.
public struct OrderStore: Sendable {
    let database: Database
    let catalogue: CatalogueStore
    let customers: CustomerStore
    /// The instrument register: submission links each item to the customer's instrument, registering it on first sight.
    public let instruments: InstrumentStore
    /// Called in the completing transaction when an order completes (the server wires invoicing here).
    let onCompleted: @Sendable (PostgresConnection, Order, AuditContext) async throws -> Void

    public init(
        database: Database, catalogue: CatalogueStore, customers: CustomerStore, instruments: InstrumentStore? = nil,
        onCompleted: @escaping @Sendable (PostgresConnection, Order, AuditContext) async throws -> Void = { _, _, _ in }
    ) {
        self.database = database
        self.catalogue = catalogue
        self.customers = customers
        self.instruments = instruments ?? InstrumentStore(database: database, customers: customers)
        self.onCompleted = onCompleted
    }

    // MARK: Submission

    /// Validates the whole submission at once (422 naming every bad field), prices it, and stores the order
    /// with its frozen quote on `connection`.
    public func submit(_ submission: OrderSubmission, customerId: UUID, on connection: PostgresConnection, audit: AuditContext) async throws -> Order {
        try await submitEncoded(submission, customerId: customerId, on: connection, audit: audit).order
    }

    /// ``submit(_:customerId:on:audit:)``, also giving the order's JSON, encoded once: the audit log's after-image
    /// and the response body are the same bytes.
    ///
    /// Two round trips after validation (the customer's terms and the services come from caches that follow every change,
    /// when this instance listens): the instrument register (one statement that links every item to the customer's
    /// instrument, registering new ones), then one statement that takes the number, inserts the order and all its items
    /// (unnest of arrays) and gives back what only the database knows (number, submission time); the order is built from
    /// what was written, not read back. Then the audit event.
    public func submitEncoded(
        _ submission: OrderSubmission, customerId: UUID, on connection: PostgresConnection, audit: AuditContext
    ) async throws -> (order: Order, json: EncodedJSON) {
        let submitted = try await submitLeavingAudit(submission, customerId: customerId, on: connection, audit: audit)
        try await AuditLog.record(submitted.audit, on: connection, logger: database.logger)
        return (submitted.order, submitted.json)
    }

    /// ``submitEncoded(_:customerId:on:audit:)`` without writing the `order.submitted` audit event: the caller records
    /// `audit` in the same transaction (the API writes it with the stored idempotent response, in one statement).
    public func submitLeavingAudit(
        _ submission: OrderSubmission, customerId: UUID, on connection: PostgresConnection, audit: AuditContext
    ) async throws -> (order: Order, json: EncodedJSON, audit: AuditEntry) {
        var validator = Validator()
        let (reference, priority, items) = submission.validate(into: &validator)
        guard let customer = try await customers.terms(id: customerId, on: connection) else { throw Problem.notFound("Customer") }
        let codes = Array(Set(items.compactMap { $0.0.serviceCode }))
        let services = try await catalogue.current(codes: codes, on: connection)
        for (index, item) in (submission.items ?? []).enumerated() {
            guard let code = item.serviceCode, !code.isEmpty else { continue }
            if let service = services[code] {
                if service.price.currency != customer.currency {
                    validator.add("items[\(index)].serviceCode", "is priced in \(service.price.currency) but the customer is billed in \(customer.currency)")
                }
            } else {
                validator.add("items[\(index)].serviceCode", "is not a service in the catalogue")
            }
        }
        try validator.finish()
        guard let priority else { throw Problem.validation(validator.issues) }

        let orderId = UUID.random()
        let instrumentIds = try await instruments.register(
            items.map { input, instrument in
                let service = input.serviceCode.flatMap { services[$0] }
                return InstrumentStore.Identification(
                    manufacturer: instrument.manufacturer, model: instrument.model, serialNumber: instrument.serialNumber,
                    assetTag: instrument.assetTag, description: instrument.description, category: service?.instrumentCategory,
                    mandatoryVerificationCategory: service?.mandatoryVerificationCategory
                )
            },
            customerId: customerId, on: connection, audit: audit
        )
        var orderItems: [OrderItem] = []
        var lines: [Quote.Line] = []
        for (index, (input, instrument)) in items.enumerated() {
            guard let code = input.serviceCode, let service = services[code] else { throw Problem.validation(validator.issues) }
            let item = OrderItem(
                id: UUID.random(), orderId: orderId, lineNumber: index + 1, serviceCode: code, status: .awaitingReceipt, instrument: instrument,
                instrumentId: instrumentIds[index], notes: input.notes, unitPrice: service.price, certifiedAt: nil
            )
            orderItems.append(item)
            lines.append(
                Quote.Line(
                    itemId: item.id, serviceCode: code,
                    description: "\(service.title): \(instrument.manufacturer) \(instrument.model) s/n \(instrument.serialNumber)",
                    unitPrice: service.price, expediteSurchargeBasisPoints: service.expediteSurchargeBasisPoints
                )
            )
        }
        let quote = Quote(
            currency: customer.currency, lines: lines, discountBasisPoints: customer.discountBasisPoints,
            taxRateBasisPoints: customer.taxRateBasisPoints, expedited: priority == .expedited
        )
        let placed = try await insert(
            orderId: orderId, customerId: customerId, reference: reference, priority: priority, returnAddress: submission.returnAddress,
            currency: customer.currency, quote: EncodedJSON(writing: quote), items: orderItems, on: connection
        )
        let order = Order(
            id: orderId, number: placed.number, customerId: customerId, customerReference: reference, priority: priority,
            returnAddress: submission.returnAddress, status: .submitted, items: orderItems, quote: quote, rejectionReason: nil,
            submittedAt: placed.submittedAt, decidedAt: nil, completedAt: nil
        )
        let json = EncodedJSON(writing: order)
        return (order, json, AuditEntry(audit, action: "order.submitted", entity: "order", entityId: orderId.uuidString, afterJSON: json))
    }

    /// Numbers and inserts the order and all its items in one statement; gives back the number and the submission time.
    func insert(
        orderId: UUID, customerId: UUID, reference: String, priority: Priority, returnAddress: String?, currency: String, quote: EncodedJSON,
        items: [OrderItem], on connection: PostgresConnection
    ) async throws -> (number: String, submittedAt: Date) {
        // Optional columns travel as text arrays beside a presence flag: PostgreSQL's binary arrays here carry no NULL element.
        let rows = try await connection.query(
            """
            WITH placed AS (
                INSERT INTO orders (id, number, customer_id, customer_reference, priority, return_address, status, currency, quote)
                SELECT \(orderId), \(unescaped: Numbering.sequentialSQL("ORD", year: "n.year", value: "n.value")), \(customerId), \(reference),
                       \(priority.rawValue), \(returnAddress), 'submitted', \(currency), \(quote)
                FROM next_sequential_number('ORD') n
                RETURNING number, submitted_at
            ), new_items AS (
                INSERT INTO order_items (id, order_id, line_number, service_code, manufacturer, model, serial_number, asset_tag, description,
                                         notes, unit_price_minor, instrument_id)
                SELECT l.id, \(orderId), l.line, l.code, l.manufacturer, l.model, l.serial, CASE WHEN l.has_tag THEN l.tag END,
                       CASE WHEN l.has_description THEN l.description END, CASE WHEN l.has_notes THEN l.notes END, l.price, l.instrument
                FROM unnest(\(items.map(\.id)), \(items.map(\.serviceCode)), \(items.map(\.instrument.manufacturer)),
                            \(items.map(\.instrument.model)), \(items.map(\.instrument.serialNumber)),
                            \(items.map { $0.instrument.assetTag ?? "" }), \(items.map { $0.instrument.assetTag != nil }),
                            \(items.map { $0.instrument.description ?? "" }), \(items.map { $0.instrument.description != nil }),
                            \(items.map { $0.notes ?? "" }), \(items.map { $0.notes != nil }), \(items.map(\.unitPrice.amountMinor)),
                            \(items.map { $0.instrumentId ?? UUID.random() }))
                     WITH ORDINALITY AS l(id, code, manufacturer, model, serial, tag, has_tag, description, has_description, notes, has_notes,
                                          price, instrument, line)
            )
            SELECT number, submitted_at FROM placed
            """,
            logger: database.logger
        )
        for try await (number, submittedAt) in rows.decode((String, Date).self) {
            return (number, submittedAt)
        }
        throw Problem(status: .internalServerError, detail: "The order was not stored.")
    }

    // MARK: Contract review and cancellation

    public func accept(id: UUID, audit: AuditContext) async throws -> Order {
        try await decide(id: id, from: [.submitted], to: .accepted, action: "accept", reason: nil, audit: audit, event: "order.accepted")
    }

    public func reject(id: UUID, reason: String, audit: AuditContext) async throws -> Order {
        try await decide(id: id, from: [.submitted], to: .rejected, action: "reject", reason: reason, audit: audit, event: "order.rejected")
    }

    /// A customer cancels its own order before any instrument was received (another customer's order is 404).
    public func cancel(id: UUID, customerId: UUID, on connection: PostgresConnection, audit: AuditContext) async throws -> Order {
        try await transition(
            id: id, scope: customerId, from: [.submitted, .accepted], to: .cancelled, action: "cancel", reason: nil, audit: audit,
            event: "order.cancelled", on: connection
        )
    }

    func decide(id: UUID, from: Set<OrderStatus>, to: OrderStatus, action: String, reason: String?, audit: AuditContext, event: String) async throws -> Order {
        try await database.transaction { connection in
            try await transition(id: id, scope: nil, from: from, to: to, action: action, reason: reason, audit: audit, event: event, on: connection)
        }
    }

    func transition(
        id: UUID, scope: UUID?, from: Set<OrderStatus>, to: OrderStatus, action: String, reason: String?, audit: AuditContext, event: String?,
        on connection: PostgresConnection
    ) async throws -> Order {
        guard let before = try await order(id: id, on: connection, lock: true), scope == nil || before.customerId == scope else {
            throw Problem.notFound("Order")
        }
        guard from.contains(before.status) else { throw Problem.illegalTransition("order", from: before.status.rawValue, action: action) }
        if to == .cancelled, before.items.contains(where: { $0.status != .awaitingReceipt }) {
            throw Problem.conflict("The order cannot be cancelled: the lab has already received an instrument.", extensions: ["currentState": .string(before.status.rawValue)])
        }
        try await connection.query(
            """
            UPDATE orders SET status = \(to.rawValue), rejection_reason = COALESCE(\(reason), rejection_reason),
                decided_at = CASE WHEN \(to.rawValue) IN ('accepted', 'rejected', 'cancelled') THEN now() ELSE decided_at END,
                completed_at = CASE WHEN \(to.rawValue) = 'completed' THEN now() ELSE completed_at END
            WHERE id = \(id)
            """,
            logger: database.logger
        )
        guard let after = try await order(id: id, on: connection) else { throw Problem.notFound("Order") }
        try await AuditLog.record(
            on: connection, audit, action: "order.\(to.rawValue)", entity: "order", entityId: id.uuidString,
            before: ["status": before.status.rawValue], after: ["status": after.status.rawValue, "reason": reason ?? ""], logger: database.logger
        )
        if let event {
            try await CustomerEventLog.append(
                on: connection, customerId: after.customerId, type: event, subjectId: id,
                data: EventData(orderId: id, number: after.number, status: after.status.rawValue, reason: reason), logger: database.logger
            )
        }
        return after
    }

    struct EventData: Encodable, Sendable {
        var orderId: UUID
        var number: String
        var status: String
        var reason: String?
    }

    // MARK: For the modules downstream (samples, certification, billing)

    /// Moves an accepted order to `in_progress` (its first instrument arrived); a no-op once it is in progress.
    public func markInProgress(orderId: UUID, on connection: PostgresConnection, audit: AuditContext) async throws {
        guard let order = try await order(id: orderId, on: connection, lock: true) else { throw Problem.notFound("Order") }
        if order.status == .accepted {
            _ = try await transition(
                id: orderId, scope: nil, from: [.accepted], to: .inProgress, action: "start", reason: nil, audit: audit, event: nil, on: connection
            )
        }
    }

    /// Completes the order when every item is certified, rejected or returned, and then runs the completion
    /// handler (invoicing) in the same transaction. Safe to call repeatedly: only the first call completes.
    @discardableResult
    public func completeIfFinished(orderId: UUID, on connection: PostgresConnection, audit: AuditContext) async throws -> Bool {
        guard let order = try await order(id: orderId, on: connection, lock: true) else { throw Problem.notFound("Order") }
        guard order.status == .inProgress, order.items.allSatisfy({ $0.status.isFinished }) else { return false }
        let completed = try await transition(
            id: orderId, scope: nil, from: [.inProgress], to: .completed, action: "complete", reason: nil, audit: audit, event: nil, on: connection
        )
        try await onCompleted(connection, completed, audit)
        return true
    }

    /// Changes an item's status when it is in one of `from`; otherwise 409 naming the current state.
    @discardableResult
    public func transitionItem(
        id: UUID, from: Set<ItemStatus>, to: ItemStatus, action: String, on connection: PostgresConnection, audit: AuditContext
    ) async throws -> OrderItem {
        let rows = try await connection.query("SELECT status FROM order_items WHERE id = \(id) FOR UPDATE", logger: database.logger)
        var current: ItemStatus?
        for try await status in rows.decode(String.self) {
            current = try StoredValue.decode(ItemStatus.self, status, table: "order_items", column: "status")
        }
        guard let current else { throw Problem.notFound("Item") }
        guard from.contains(current) else { throw Problem.illegalTransition("item", from: current.rawValue, action: action) }
        try await connection.query(
            """
            UPDATE order_items SET status = \(to.rawValue),
                certified_at = CASE WHEN \(to.rawValue) = 'certified' THEN now() ELSE certified_at END
            WHERE id = \(id)
            """,
            logger: database.logger
        )
        guard let item = try await item(id: id, on: connection) else { throw Problem.notFound("Item") }
        try await AuditLog.record(
            on: connection, audit, action: "item.\(action)", entity: "item", entityId: id.uuidString,
            before: ["status": current.rawValue], after: ["status": to.rawValue], logger: database.logger
        )
        return item
    }

    // MARK: Reading

    /// One order with its items, in one round trip (the order's columns on every row of a join with its items).
    public func order(id: UUID, on connection: PostgresConnection, lock: Bool = false) async throws -> Order? {
        let rows = try await connection.query(
            """
            SELECT o.id, o.number, o.customer_id, o.customer_reference, o.priority, o.return_address, o.status, o.quote, o.rejection_reason,
                   o.submitted_at, o.decided_at, o.completed_at,
                   i.id, i.line_number, i.service_code, i.status, i.manufacturer, i.model, i.serial_number, i.asset_tag, i.description, i.notes,
                   i.unit_price_minor, o.currency::text, i.certified_at, i.instrument_id
            FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
            WHERE o.id = \(id) ORDER BY i.line_number \(unescaped: lock ? "FOR UPDATE OF o" : "")
            """,
            logger: database.logger
        )
        var order: Order?
        for try await row in rows {
            let cells = row.makeRandomAccess()
            if order == nil {
                order = try Self.order(from: (
                    try cells[0].decode(UUID.self), try cells[1].decode(String.self), try cells[2].decode(UUID.self),
                    try cells[3].decode(String.self),
                    try cells[4].decode(String.self), try cells[5].decode(String?.self), try cells[6].decode(String.self),
                    try cells[7].decode(Quote.self), try cells[8].decode(String?.self), try cells[9].decode(Date.self),
                    try cells[10].decode(Date?.self), try cells[11].decode(Date?.self), 0
                ))
            }
            guard let itemId = try cells[12].decode(UUID?.self) else { continue }
            order?.items.append(
                try Self.item(from: (
                    itemId, id, try cells[13].decode(Int.self), try cells[14].decode(String.self), try cells[15].decode(String.self),
                    try cells[16].decode(String.self), try cells[17].decode(String.self), try cells[18].decode(String.self),
                    try cells[19].decode(String?.self), try cells[20].decode(String?.self), try cells[21].decode(String?.self),
                    try cells[22].decode(Int64.self), try cells[23].decode(String.self), try cells[24].decode(Date?.self),
                    try cells[25].decode(UUID?.self)
                ))
            )
        }
        return order
    }

    /// An order as its customer may see it: another customer's order is indistinguishable from a missing one.
    public func order(id: UUID, scope: UUID?) async throws -> Order {
        let order: Order? = try await database.connection { connection in try await self.order(id: id, on: connection) }
        guard let order, scope == nil || order.customerId == scope else { throw Problem.notFound("Order") }
        return order
    }

    /// Newest first; a customer sees only its own.
    public func list(scope: UUID?, status: OrderStatus?, customerId: UUID?, page: PageRequest) async throws -> Page<Order> {
        let before = try page.cursorValue() ?? Int64.max
        let owner = scope ?? customerId
        return try await database.connection { connection in
            let rows = try await connection.query(
                """
                SELECT id, number, customer_id, customer_reference, priority, return_address, status, quote, rejection_reason, submitted_at,
                       decided_at, completed_at, seq
                FROM orders
                WHERE seq < \(before) AND (\(owner)::uuid IS NULL OR customer_id = \(owner)) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                ORDER BY seq DESC LIMIT \(page.limit + 1)
                """,
                logger: database.logger
            )
            var found: [(Order, Int64)] = []
            for try await row in rows.decode((UUID, String, UUID, String, String, String?, String, Quote, String?, Date, Date?, Date?, Int64).self) {
                found.append((try Self.order(from: row), row.12))
            }
            let items = try await items(orderIds: found.map { $0.0.id }, on: connection)
            for index in found.indices { found[index].0.items = items[found[index].0.id] ?? [] }
            return Page(fetched: found, limit: page.limit) { $0.1 }.map { $0.0 }
        }
    }

    public func item(id: UUID, on connection: PostgresConnection) async throws -> OrderItem? {
        let rows = try await connection.query("\(unescaped: Self.itemSelect) WHERE i.id = \(id)", logger: database.logger)
        return try await Self.decodeItems(rows).first
    }

    /// Items by serial number (for look-up at reception), optionally confined to one customer.
    public func items(serialNumber: String, scope: UUID?) async throws -> [OrderItem] {
        try await items(serialNumber: serialNumber, scope: scope, after: 0, limit: nil).map(\.item)
    }

    /// Items whose instrument has `serialNumber` (every item when nil), in order of submission, at most `limit` of them after
    /// `after`, the keyset position (`orders.seq` × 1 000 000 + line number; an order has at most 200 lines) of the previous page's last.
    public func items(serialNumber: String?, scope: UUID?, after: Int64, limit: Int?) async throws -> [(position: Int64, item: OrderItem)] {
        let rows = try await database.client.query(
            """
            SELECT item_order.seq::bigint * 1000000 + i.line_number, i.id FROM order_items i JOIN orders item_order ON item_order.id = i.order_id
            WHERE (\(serialNumber)::text IS NULL OR i.serial_number = \(serialNumber)) AND (\(scope)::uuid IS NULL OR item_order.customer_id = \(scope))
              AND item_order.seq::bigint * 1000000 + i.line_number > \(after)
            ORDER BY item_order.seq, i.line_number LIMIT \(limit)
            """,
            logger: database.logger
        )
        var found: [(position: Int64, id: UUID)] = []
        for try await (position, id) in rows.decode((Int64, UUID).self) { found.append((position, id)) }
        guard !found.isEmpty else { return [] }
        let items = try await database.client.query(
            "\(unescaped: Self.itemSelect) WHERE i.id = ANY(\(found.map(\.id)))", logger: database.logger
        )
        let byId = Dictionary(uniqueKeysWithValues: try await Self.decodeItems(items).map { ($0.id, $0) })
        return found.compactMap { entry in byId[entry.id].map { (entry.position, $0) } }
    }

    func items(orderIds: [UUID], on connection: PostgresConnection) async throws -> [UUID: [OrderItem]] {
        guard !orderIds.isEmpty else { return [:] }
        let rows = try await connection.query(
            "\(unescaped: Self.itemSelect) WHERE i.order_id = ANY(\(orderIds)) ORDER BY i.order_id, i.line_number", logger: database.logger
        )
        return Dictionary(grouping: try await Self.decodeItems(rows), by: \.orderId)
    }

    static let itemSelect = """
        SELECT i.id, i.order_id, i.line_number, i.service_code, i.status, i.manufacturer, i.model, i.serial_number, i.asset_tag,
               i.description, i.notes, i.unit_price_minor, item_order.currency::text, i.certified_at, i.instrument_id
        FROM order_items i JOIN orders item_order ON item_order.id = i.order_id
        """

    static func decodeItems(_ rows: PostgresRowSequence) async throws -> [OrderItem] {
        var items: [OrderItem] = []
        for try await row in rows.decode((UUID, UUID, Int, String, String, String, String, String, String?, String?, String?, Int64, String, Date?, UUID?).self) {
            items.append(try item(from: row))
        }
        return items
    }

    static func decodeOrders(_ rows: PostgresRowSequence) async throws -> [Order] {
        var orders: [Order] = []
        for try await row in rows.decode((UUID, String, UUID, String, String, String?, String, Quote, String?, Date, Date?, Date?).self) {
            orders.append(try order(from: (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, 0)))
        }
        return orders
    }

    static func item(
        from row: (UUID, UUID, Int, String, String, String, String, String, String?, String?, String?, Int64, String, Date?, UUID?)
    ) throws -> OrderItem {
        OrderItem(
            id: row.0, orderId: row.1, lineNumber: row.2, serviceCode: row.3, status: try StoredValue.decode(ItemStatus.self, row.4, table: "order_items", column: "status"),
            instrument: Instrument(manufacturer: row.5, model: row.6, serialNumber: row.7, assetTag: row.8, description: row.9),
            instrumentId: row.14, notes: row.10, unitPrice: Money(amountMinor: row.11, currency: row.12), certifiedAt: row.13
        )
    }

    static func order(from row: (UUID, String, UUID, String, String, String?, String, Quote, String?, Date, Date?, Date?, Int64)) throws -> Order {
        Order(
            id: row.0, number: row.1, customerId: row.2, customerReference: row.3,
            priority: try StoredValue.decode(Priority.self, row.4, table: "orders", column: "priority"), returnAddress: row.5,
            status: try StoredValue.decode(OrderStatus.self, row.6, table: "orders", column: "status"), items: [], quote: row.7, rejectionReason: row.8,
            submittedAt: row.9, decidedAt: row.10, completedAt: row.11
        )
    }
}

extension Quote: PostgresCodable {}
