import Foundation
import HTTPTypes
import LIMSCore
import LIMSTestSupport
import Testing

/// Management reports on a small fixed data set. Orders, receipts and equipment are made through the API; the lab's
/// history (receipt and signing times, invoices, payments, credit notes, bookings) is planted as the database owner,
/// and every expected figure below is worked out by hand in the comments, not by the reports' SQL.
@Suite("Management reports")
struct ManagementReportsTests {
    // MARK: - Planting history

    /// An accepted order of `codes` for `customer`, each item received; returns the order id and item ids.
    func receivedOrder(_ lab: TestLab, _ customer: (id: UUID, key: String), _ codes: [String], receive: Bool = true) async throws -> (order: UUID, items: [UUID]) {
        let order = try await lab.api.post("/v1/orders", token: customer.key, json: TestLab.orderBody(serviceCodes: codes))
        try order.expect(.created)
        let orderId = try order.uuid("id")
        let items = try codes.indices.map { try order.uuid("items.\($0).id") }
        if receive {
            try await lab.api.post("/v1/orders/\(orderId)/accept", token: lab.adminToken).expect(.ok)
            let receptionist = try await lab.staff(["receptionist"])
            for item in items {
                try await lab.api.post("/v1/items/\(item)/receive", token: receptionist.token, json: ["condition": .string("ok"), "location": .string("A1")])
                    .expect(.ok)
            }
        }
        return (orderId, items)
    }

    /// Sets when `item` was received and when its job is due. A receipt queues the item's job in its own transaction, so
    /// the job's queue time is the receipt time (what `report_jobs` publishes as `received_at`): both are planted.
    func plantReceipt(_ lab: TestLab, _ item: UUID, receivedAt: String, dueOn: String) async throws {
        try await lab.asOwner("UPDATE item_receipts SET received_at = \(receivedAt)::timestamptz WHERE item_id = \(item)")
        try await lab.asOwner("UPDATE jobs SET due_on = \(dueOn)::date, enqueued_at = \(receivedAt)::timestamptz WHERE item_id = \(item)")
    }

    /// Signs `item`'s job at `signedAt`: an original certificate row and the job certified.
    func plantCertificate(_ lab: TestLab, _ item: UUID, number: String, signedAt: String) async throws {
        try await lab.asOwner(
            """
            INSERT INTO certificates (number, base_number, job_id, item_id, order_id, customer_id, document_kind, document, canonical, digest,
                                      signature, html, plain_text, issued_at, issued_by)
            SELECT \(number), \(number), id, item_id, order_id, customer_id, 'calibration-certificate', '{}', '', '', '', '', '',
                   \(signedAt)::timestamptz, gen_random_uuid()
            FROM jobs WHERE item_id = \(item)
            """
        )
        try await lab.asOwner("UPDATE jobs SET state = 'certified' WHERE item_id = \(item)")
    }

    /// An invoice for `order` with `lines` (service code, amount charged), tax on top; returns its number.
    func plantInvoice(
        _ lab: TestLab, _ number: String, order: UUID, items: [UUID], customerCode: String, currency: String, issuedOn: String, dueOn: String,
        lines: [(String, Int64)], tax: Int64 = 0
    ) async throws {
        let subtotal = lines.reduce(0) { $0 + $1.1 }
        try await lab.asOwner(
            """
            INSERT INTO invoices (number, order_id, order_number, customer_reference, customer_id, customer_code, customer_name, customer_address,
                                  currency, issued_on, due_on, discount_basis_points, tax_rate_basis_points, expedited, subtotal_minor, discount_minor,
                                  surcharge_minor, tax_minor, total_minor)
            SELECT \(number), id, number, 'PO', customer_id, \(customerCode), \("Customer " + customerCode), '1 Road', \(currency),
                   \(issuedOn)::date, \(dueOn)::date, 0, 0, false, \(subtotal), 0, 0, \(tax), \(subtotal + tax)
            FROM orders WHERE id = \(order)
            """
        )
        for (index, line) in lines.enumerated() {
            try await lab.asOwner(
                """
                INSERT INTO invoice_lines (invoice_id, line_number, item_id, service_code, description, unit_price_minor, expedite_surcharge_basis_points,
                                           surcharge_minor)
                SELECT id, \(index + 1), \(items[index]), \(line.0), 'Calibration', \(line.1), 0, 0 FROM invoices WHERE number = \(number)
                """
            )
        }
    }

    func plantPayment(_ lab: TestLab, _ invoice: String, _ amount: Int64, receivedOn: String) async throws {
        try await lab.asOwner(
            """
            INSERT INTO invoice_payments (invoice_id, amount_minor, currency, received_on, reference)
            SELECT id, \(amount), currency, \(receivedOn)::date, 'bank' FROM invoices WHERE number = \(invoice)
            """
        )
    }

    func plantCreditNote(_ lab: TestLab, _ invoice: String, issuedOn: String) async throws {
        try await lab.asOwner(
            """
            INSERT INTO credit_notes (number, invoice_id, reason, issued_on)
            SELECT 'CN-' || number, id, 'Cancelled', \(issuedOn)::date FROM invoices WHERE number = \(invoice)
            """
        )
    }

    static func money(_ minor: Int64, _ currency: String) -> JSONValue {
        .object(["amountMinor": .number(Double(minor)), "currency": .string(currency)])
    }

    /// RFC 4180 records (quoted fields with doubled quotes, CRLF line ends).
    static func parseCSV(_ text: String) -> [[String]]? {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let char = chars.popFirst() {
            if quoted {
                if char == "\"" {
                    if chars.first == "\"" { field.append("\""); chars = chars.dropFirst() } else { quoted = false }
                } else {
                    field.append(char)
                }
            } else if char == "\"" {
                guard field.isEmpty else { return nil }
                quoted = true
            } else if char == "," {
                record.append(field); field = ""
            } else if char == "\r\n" || char == "\r" {
                guard char == "\r\n" else { return nil }
                record.append(field); field = ""
                records.append(record); record = []
            } else if char == "\n" {
                return nil  // bare LF
            } else {
                field.append(char)
            }
        }
        guard !quoted, field.isEmpty, record.isEmpty else { return nil }  // the last record ends with CRLF
        return records
    }

    // MARK: - Turnaround and workload

    @Test func turnaroundMedianP90AndOnTimeRatePerServiceAndMonth() async throws {
        try await TestLab.run { lab in
            let a = try await lab.service(code: "RPT-A")
            let b = try await lab.service(code: "RPT-B")
            let customer = try await lab.customer()
            let (_, items) = try await receivedOrder(lab, customer, [a, a, a, a, b, b, b])
            // RPT-A: received 1 March 00:00 UTC, due 8 March; signed after 2, 4, 6 and 10 days (3, 5, 7 and 11 March).
            for (index, signed) in ["2026-03-03", "2026-03-05", "2026-03-07", "2026-03-11"].enumerated() {
                try await plantReceipt(lab, items[index], receivedAt: "2026-03-01T00:00:00Z", dueOn: "2026-03-08")
                try await plantCertificate(lab, items[index], number: "T-A\(index)", signedAt: "\(signed)T00:00:00Z")
            }
            // An amendment of the first, signed in the window, does not count again.
            try await lab.asOwner(
                """
                INSERT INTO certificates (number, base_number, revision, supersedes, job_id, item_id, order_id, customer_id, document_kind, document,
                                          canonical, digest, signature, html, plain_text, issued_at, issued_by)
                SELECT 'T-A0-R1', 'T-A0', 1, id, job_id, item_id, order_id, customer_id, document_kind, document, '', '', '', '', '',
                       '2026-03-20T00:00:00Z', issued_by
                FROM certificates WHERE number = 'T-A0'
                """
            )
            // RPT-B: received 10 March, due 12 March; signed after 1.5 days (11 March noon, on time) and 3 days (13 March, late);
            // a third signed on 2 April falls outside the window.
            for (index, signed) in ["2026-03-11T12:00:00Z", "2026-03-13T00:00:00Z", "2026-04-02T00:00:00Z"].enumerated() {
                try await plantReceipt(lab, items[4 + index], receivedAt: "2026-03-10T00:00:00Z", dueOn: "2026-03-12")
                try await plantCertificate(lab, items[4 + index], number: "T-B\(index)", signedAt: signed)
            }

            let byService = try await lab.api.get("/v1/reports/turnaround?from=2026-03-01&to=2026-03-31&groupBy=service", token: lab.adminToken)
            try byService.expect(.ok)
            // RPT-A days 2, 4, 6, 10: median at rank 1.5 → 4 + 0.5 × 2 = 5; p90 at rank 0.9 × 3 = 2.7 → 6 + 0.7 × 4 = 8.8; 3 of 4 on time.
            // RPT-B days 1.5, 3: median 2.25; p90 at rank 0.9 → 1.5 + 0.9 × 1.5 = 2.85; 1 of 2 on time.
            func row(_ key: String, _ completed: Double, _ median: Double, _ p90: Double, _ onTime: Double, _ rate: Double) -> JSONValue {
                .object([
                    "key": .string(key), "completed": .number(completed), "medianDays": .number(median), "p90Days": .number(p90),
                    "onTime": .number(onTime), "onTimeRate": .number(rate),
                ])
            }
            #expect(try byService.array("rows") == [row("RPT-A", 4, 5, 8.8, 3, 0.75), row("RPT-B", 2, 2.25, 2.85, 1, 0.5)])
            // By month: 1.5, 2, 3, 4, 6, 10: median at rank 2.5 → 3.5; p90 at rank 4.5 → 6 + 0.5 × 4 = 8; 4 of 6 on time.
            let byMonth = try await lab.api.get("/v1/reports/turnaround?from=2026-03-01&to=2026-04-30&groupBy=month", token: lab.adminToken)
            try byMonth.expect(.ok)
            #expect(try byMonth.array("rows") == [row("2026-03", 6, 3.5, 8, 4, 0.6667), row("2026-04", 1, 23, 23, 0, 0)])
            // Any member of staff may read it; a customer may not.
            let technician = try await lab.staff(["technician"])
            try await lab.api.get("/v1/reports/turnaround", token: technician.token).expect(.ok)
            try await lab.api.get("/v1/reports/turnaround", token: customer.key).expect(.forbidden)
        }
    }

    @Test func theJobsViewPublishesEachItemsReceiptTime() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(code: "RPT-R")
            let customer = try await lab.customer()
            let (_, items) = try await receivedOrder(lab, customer, [code, code, code])
            // Received through the API: the receipt's time, as Samples publishes it, is the time the jobs view gives turnaround.
            let rows = try await lab.database.client.query(
                """
                SELECT count(*)::int, (count(*) FILTER (WHERE r.received_at = j.received_at))::int
                FROM report_receipts r JOIN report_jobs j ON j.item_id = r.item_id
                WHERE r.item_id = ANY (\(items))
                """,
                logger: lab.database.logger
            )
            for try await (received, same) in rows.decode((Int, Int).self) {
                #expect(received == 3)
                #expect(same == 3)
            }
        }
    }

    @Test func workloadCountsOpenJobsByStateAgeBandAndTechnician() async throws {
        try await TestLab.run { lab in
            let code = try await lab.service(code: "RPT-W")
            let customer = try await lab.customer()
            let technician = try await lab.staff(["technician"], name: "Tao Technician")
            let (_, items) = try await receivedOrder(lab, customer, Array(repeating: code, count: 6))
            // At 20 March: received 19 March (1 day), 15 March (5), 10 March (10), 1 March (19), 20 March (0), 18 March (2, certified).
            let received = ["2026-03-19", "2026-03-15", "2026-03-10", "2026-03-01", "2026-03-20", "2026-03-18"]
            for (item, day) in zip(items, received) { try await plantReceipt(lab, item, receivedAt: "\(day)T08:00:00Z", dueOn: "2026-03-30") }
            // Queued: the first two. Claimed by the technician: the 10-day and the 0-day ones. In review: the 19-day one.
            for index in [2, 4] {
                try await lab.asOwner(
                    "UPDATE jobs SET state = 'claimed', holder_id = \(technician.id), claimed_at = now() WHERE item_id = \(items[index])"
                )
            }
            try await lab.asOwner("UPDATE jobs SET state = 'in_review', holder_id = \(technician.id) WHERE item_id = \(items[3])")
            try await plantCertificate(lab, items[5], number: "W-1", signedAt: "2026-03-19T00:00:00Z")

            let report = try await lab.api.get("/v1/reports/workload?asOf=2026-03-20", token: lab.adminToken)
            try report.expect(.ok)
            func row(_ kind: String, _ key: String, _ name: JSONValue, _ jobs: Int, _ bands: [Int]) -> JSONValue {
                .object([
                    "kind": .string(kind), "key": .string(key), "name": name, "jobs": .number(Double(jobs)), "days0to2": .number(Double(bands[0])),
                    "days3to7": .number(Double(bands[1])), "days8to14": .number(Double(bands[2])), "days15Plus": .number(Double(bands[3])),
                ])
            }
            #expect(try report.array("rows") == [
                row("state", "queued", .null, 2, [1, 1, 0, 0]),
                row("state", "claimed", .null, 2, [1, 0, 1, 0]),
                row("state", "in_review", .null, 1, [0, 0, 0, 1]),
                row("state", "awaiting_signature", .null, 0, [0, 0, 0, 0]),
                row("technician", technician.id.uuidString.lowercased(), .string("Tao Technician"), 2, [1, 0, 1, 0]),
            ])
        }
    }

    // MARK: - Money

    /// Two customers (RA in CNY, RB in EUR) and nine invoices; see each test for the figures.
    func plantInvoices(_ lab: TestLab) async throws {
        let a = try await lab.service(code: "RPT-A")
        let b = try await lab.service(code: "RPT-B")
        let ra = try await lab.customer(code: "RA")
        let rb = try await lab.customer(code: "RB")
        func order(_ customer: (id: UUID, key: String), _ codes: [String]) async throws -> (order: UUID, items: [UUID]) {
            try await receivedOrder(lab, customer, codes, receive: false)
        }
        // I1: 10 000 (RPT-A 6 000 + RPT-B 4 000), paid in full.
        let o1 = try await order(ra, [a, b])
        try await plantInvoice(lab, "I1", order: o1.order, items: o1.items, customerCode: "RA", currency: "CNY", issuedOn: "2026-01-10",
                               dueOn: "2026-02-09", lines: [(a, 6000), (b, 4000)])
        try await plantPayment(lab, "I1", 10000, receivedOn: "2026-01-20")
        // I2: 5 000 (RPT-A), 2 000 paid on 1 March and 500 on 25 March (after the receivables date).
        let o2 = try await order(ra, [a])
        try await plantInvoice(lab, "I2", order: o2.order, items: o2.items, customerCode: "RA", currency: "CNY", issuedOn: "2026-01-25",
                               dueOn: "2026-02-24", lines: [(a, 5000)])
        try await plantPayment(lab, "I2", 2000, receivedOn: "2026-03-01")
        try await plantPayment(lab, "I2", 500, receivedOn: "2026-03-25")
        // I3: 3 000 (RPT-B), cancelled by a credit note on 20 February.
        let o3 = try await order(ra, [b])
        try await plantInvoice(lab, "I3", order: o3.order, items: o3.items, customerCode: "RA", currency: "CNY", issuedOn: "2026-02-05",
                               dueOn: "2026-03-07", lines: [(b, 3000)])
        try await plantCreditNote(lab, "I3", issuedOn: "2026-02-20")
        // I4 (RB, EUR): 3 000 (RPT-A 2 000 + RPT-B 1 000) plus 180 tax = 3 180; 1 001 paid.
        let o4 = try await order(rb, [a, b])
        try await plantInvoice(lab, "I4", order: o4.order, items: o4.items, customerCode: "RB", currency: "EUR", issuedOn: "2026-02-10",
                               dueOn: "2026-03-12", lines: [(a, 2000), (b, 1000)], tax: 180)
        try await plantPayment(lab, "I4", 1001, receivedOn: "2026-02-15")
        // I5: issued after both windows. I6, I8, I9: issued before the revenue window. I7: March, not yet due at 20 March.
        let o5 = try await order(ra, [a])
        try await plantInvoice(lab, "I5", order: o5.order, items: o5.items, customerCode: "RA", currency: "CNY", issuedOn: "2026-04-05",
                               dueOn: "2026-05-05", lines: [(a, 9999)])
        let o6 = try await order(ra, [a])
        try await plantInvoice(lab, "I6", order: o6.order, items: o6.items, customerCode: "RA", currency: "CNY", issuedOn: "2025-11-20",
                               dueOn: "2025-12-20", lines: [(a, 8000)])
        let o7 = try await order(ra, [a])
        try await plantInvoice(lab, "I7", order: o7.order, items: o7.items, customerCode: "RA", currency: "CNY", issuedOn: "2026-03-15",
                               dueOn: "2026-04-14", lines: [(a, 1200)])
        let o8 = try await order(ra, [a])
        try await plantInvoice(lab, "I8", order: o8.order, items: o8.items, customerCode: "RA", currency: "CNY", issuedOn: "2025-10-01",
                               dueOn: "2025-10-31", lines: [(a, 4000)])
        try await plantPayment(lab, "I8", 1000, receivedOn: "2025-11-15")
        let o9 = try await order(ra, [b])
        try await plantInvoice(lab, "I9", order: o9.order, items: o9.items, customerCode: "RA", currency: "CNY", issuedOn: "2025-12-20",
                               dueOn: "2026-01-19", lines: [(b, 600)])
    }

    @Test func revenuePerMonthCustomerAndServiceNeverMixesCurrencies() async throws {
        try await TestLab.run { lab in
            try await plantInvoices(lab)
            func row(_ key: String, _ currency: String, _ amounts: [Int64]) -> JSONValue {
                .object([
                    "key": .string(key), "currency": .string(currency), "invoiced": Self.money(amounts[0], currency),
                    "credited": Self.money(amounts[1], currency), "paid": Self.money(amounts[2], currency), "outstanding": Self.money(amounts[3], currency),
                ])
            }
            let window = "from=2026-01-01&to=2026-03-31"
            // January CNY: I1 10 000 + I2 5 000 = 15 000; paid 10 000 + 2 500; outstanding 2 500.
            // February: CNY I3 3 000 credited in full (outstanding 0); EUR I4 3 180, paid 1 001, outstanding 2 179. March: I7 1 200 unpaid.
            let byMonth = try await lab.api.get("/v1/reports/revenue?\(window)&groupBy=month", token: lab.adminToken)
            try byMonth.expect(.ok)
            #expect(try byMonth.array("rows") == [
                row("2026-01", "CNY", [15000, 0, 12500, 2500]),
                row("2026-02", "CNY", [3000, 3000, 0, 0]),
                row("2026-02", "EUR", [3180, 0, 1001, 2179]),
                row("2026-03", "CNY", [1200, 0, 0, 1200]),
            ])
            // RA: 15 000 + 3 000 + 1 200 = 19 200, credited 3 000, paid 12 500, outstanding 3 700. RB as I4.
            let byCustomer = try await lab.api.get("/v1/reports/revenue?\(window)&groupBy=customer", token: lab.adminToken)
            try byCustomer.expect(.ok)
            #expect(try byCustomer.array("rows") == [row("RA", "CNY", [19200, 3000, 12500, 3700]), row("RB", "EUR", [3180, 0, 1001, 2179])])
            // By service, each invoice shared by its lines' amounts. RPT-A CNY: I1 6 000 + I2 5 000 + I7 1 200 = 12 200; paid 6 000 + 2 500.
            // RPT-B CNY: I1 4 000 + I3 3 000 = 7 000; credited 3 000; paid 4 000. I4 (weights 2:1): invoiced 3 180 → 2 120 and 1 060;
            // paid 1 001 by cumulative rounding → ⌊1 001 × 2 000 / 3 000⌋ = 667, then ⌊1 001 × 3 000 / 3 000⌋ − 667 = 334.
            let byService = try await lab.api.get("/v1/reports/revenue?\(window)&groupBy=service", token: lab.adminToken)
            try byService.expect(.ok)
            #expect(try byService.array("rows") == [
                row("RPT-A", "CNY", [12200, 0, 8500, 3700]),
                row("RPT-A", "EUR", [2120, 0, 667, 1453]),
                row("RPT-B", "CNY", [7000, 3000, 4000, 0]),
                row("RPT-B", "EUR", [1060, 0, 334, 726]),
            ])
            // Money is for admin and billing only.
            let billing = try await lab.staff(["billing"])
            try await lab.api.get("/v1/reports/revenue", token: billing.token).expect(.ok)
            let technician = try await lab.staff(["technician"])
            try await lab.api.get("/v1/reports/revenue", token: technician.token).expect(.forbidden)
            try await lab.api.get("/v1/reports/receivables", token: technician.token).expect(.forbidden)
        }
    }

    @Test func revenueByServiceFollowsLinesPaymentsAndCreditNotesAsTheyAreRecorded() async throws {
        try await TestLab.run { lab in
            let a = try await lab.service(code: "RPT-A")
            let b = try await lab.service(code: "RPT-B")
            let customer = try await lab.customer(code: "RS")
            let o = try await receivedOrder(lab, customer, [a, b, a], receive: false)
            // One invoice of 1 000 + 1 000 + 1 000 with 1 tax (total 3 001), its three lines written in one statement, last line first.
            try await lab.asOwner(
                """
                INSERT INTO invoices (number, order_id, order_number, customer_reference, customer_id, customer_code, customer_name, customer_address,
                                      currency, issued_on, due_on, discount_basis_points, tax_rate_basis_points, expedited, subtotal_minor, discount_minor,
                                      surcharge_minor, tax_minor, total_minor)
                SELECT 'S1', id, number, 'PO', customer_id, 'RS', 'Customer RS', '1 Road', 'CNY', '2026-05-04', '2026-06-03', 0, 0, false, 3000, 0, 0, 1, 3001
                FROM orders WHERE id = \(o.order)
                """
            )
            try await lab.asOwner(
                """
                INSERT INTO invoice_lines (invoice_id, line_number, item_id, service_code, description, unit_price_minor, expedite_surcharge_basis_points,
                                           surcharge_minor)
                SELECT i.id, l.n, (\(o.items))[l.n], l.code, 'Calibration', 1000, 0, 0
                FROM invoices i, (VALUES (3, \(a)), (2, \(b)), (1, \(a))) AS l (n, code) WHERE i.number = 'S1'
                """
            )
            func row(_ key: String, _ amounts: [Int64]) -> JSONValue {
                .object([
                    "key": .string(key), "currency": .string("CNY"), "invoiced": Self.money(amounts[0], "CNY"),
                    "credited": Self.money(amounts[1], "CNY"), "paid": Self.money(amounts[2], "CNY"), "outstanding": Self.money(amounts[3], "CNY"),
                ])
            }
            func byService() async throws -> [JSONValue] {
                let report = try await lab.api.get("/v1/reports/revenue?from=2026-05-01&to=2026-05-31&groupBy=service", token: lab.adminToken)
                try report.expect(.ok)
                return try report.array("rows")
            }
            // 3 001 by cumulative rounding over weights 1 000 each: ⌊3 001 × 1/3⌋ = 1 000, ⌊3 001 × 2/3⌋ − 1 000 = 1 000, 3 001 − 2 000 = 1 001.
            // RPT-A has lines 1 and 3: 1 000 + 1 001 = 2 001; RPT-B line 2: 1 000.
            #expect(try await byService() == [row("RPT-A", [2001, 0, 0, 2001]), row("RPT-B", [1000, 0, 0, 1000])])
            // A payment of 100 later: ⌊100/3⌋ = 33, ⌊200/3⌋ − 33 = 33, 100 − 66 = 34; RPT-A 67, RPT-B 33. Then 200 more (300): 100 each.
            try await plantPayment(lab, "S1", 100, receivedOn: "2026-05-10")
            #expect(try await byService() == [row("RPT-A", [2001, 0, 67, 1934]), row("RPT-B", [1000, 0, 33, 967])])
            try await plantPayment(lab, "S1", 200, receivedOn: "2026-05-11")
            #expect(try await byService() == [row("RPT-A", [2001, 0, 200, 1801]), row("RPT-B", [1000, 0, 100, 900])])
            // A credit note cancels it in full: credited as invoiced, and what was paid is owed back.
            try await plantCreditNote(lab, "S1", issuedOn: "2026-05-12")
            #expect(try await byService() == [row("RPT-A", [2001, 2001, 200, -200]), row("RPT-B", [1000, 1000, 100, -100])])
        }
    }

    @Test func receivablesAgingBucketsAtAFixedDate() async throws {
        try await TestLab.run { lab in
            try await plantInvoices(lab)
            let report = try await lab.api.get("/v1/reports/receivables?asOf=2026-03-20", token: lab.adminToken)
            try report.expect(.ok)
            // At 20 March 2026 (RA, CNY): I1 paid; I3 credited; I5 not yet issued.
            // I7 1 200 due 14 April: current. I2 5 000 − 2 000 (the 500 of 25 March comes later) = 3 000, 24 days past 24 February: 1-30.
            // I9 600, due 19 January: 12 + 28 + 20 = 60 days: 31-60. I6 8 000, due 20 December: 11 + 31 + 28 + 20 = 90 days: 61-90.
            // I8 4 000 − 1 000 = 3 000, due 31 October: 140 days: 90+. Total 15 800. RB (EUR): I4 3 180 − 1 001 = 2 179, 8 days: 1-30.
            let rows = try report.array("rows")
            #expect(rows.count == 2)
            func expect(_ row: JSONValue?, _ code: String, _ currency: String, _ buckets: [Int64]) {
                #expect(row?["customerCode"] == .string(code))
                #expect(row?["currency"] == .string(currency))
                for (name, amount) in zip(["current", "1-30", "31-60", "61-90", "90+", "total"], buckets) {
                    #expect(row?[name] == Self.money(amount, currency), "\(code) \(name)")
                }
            }
            expect(rows.first, "RA", "CNY", [1200, 3000, 600, 8000, 3000, 15800])
            expect(rows.last, "RB", "EUR", [0, 2179, 0, 0, 0, 2179])
            // A day later the 500 is still to come and every age moves on by one: I9 leaves 31-60 for 61-90, I6 becomes 90+.
            let later = try await lab.api.get("/v1/reports/receivables?asOf=2026-03-21", token: lab.adminToken)
            expect(try later.array("rows").first, "RA", "CNY", [1200, 3000, 0, 600, 11000, 15800])
        }
    }

    // MARK: - Equipment

    @Test func equipmentDueListsOverdueAndDueWithinTheWindowWithBookings() async throws {
        try await TestLab.run { lab in
            func equipment(_ tag: String, calibrations: [(String, String)]) async throws -> String {
                let created = try await lab.api.post(
                    "/v1/equipment", token: lab.adminToken,
                    json: ["assetTag": .string(tag), "name": .string("Calibrator \(tag)"), "manufacturer": .string("Fluke"), "model": .string("2700G"),
                           "serialNumber": .string(tag), "quantity": .string("pressure"), "range": .string("0 to 70 MPa")]
                )
                try created.expect(.created)
                let id = try created.string("id")
                for (on, due) in calibrations {
                    try await lab.api.post(
                        "/v1/equipment/\(id)/calibrations", token: lab.adminToken,
                        json: ["certificateNumber": .string("NIM-\(tag)-\(on)"), "calibratedBy": .string("NIM"), "calibratedOn": .string(on),
                               "dueOn": .string(due), "traceability": .string("NIM")]
                    ).expect(.created)
                }
                return id
            }
            func book(_ id: String, _ start: String, _ end: String, cancelled: Bool = false) async throws {
                try await lab.asOwner(
                    """
                    INSERT INTO equipment_bookings (equipment_id, during, cancelled_at)
                    VALUES (\(UUID(uuidString: id)!), tstzrange(\(start)::timestamptz, \(end)::timestamptz), \(cancelled ? Date() : nil))
                    """
                )
            }
            // At 20 March within 30 days (to 19 April): E1 overdue since 10 March; E2 due 19 April (the last day in); E3's older
            // calibration was due 15 March but its latest is due 20 April (out); E4 never calibrated; E5 retired.
            let e1 = try await equipment("E1", calibrations: [("2025-03-10", "2026-03-10")])
            let e2 = try await equipment("E2", calibrations: [("2025-04-19", "2026-04-19")])
            _ = try await equipment("E3", calibrations: [("2025-03-15", "2026-03-15"), ("2026-03-01", "2026-04-20")])
            let e4 = try await equipment("E4", calibrations: [])
            let e5 = try await equipment("E5", calibrations: [("2025-03-01", "2026-03-01")])
            try await lab.asOwner("UPDATE equipment SET status = 'retired' WHERE id = \(UUID(uuidString: e5)!)")
            try await book(e1, "2026-03-25T09:00:00Z", "2026-03-25T12:00:00Z")
            try await book(e2, "2026-04-01T09:00:00Z", "2026-04-01T12:00:00Z")
            try await book(e2, "2026-04-02T09:00:00Z", "2026-04-02T12:00:00Z", cancelled: true)
            try await book(e2, "2026-04-20T09:00:00Z", "2026-04-20T12:00:00Z")  // after the window

            let report = try await lab.api.get("/v1/reports/equipment-due?withinDays=30&asOf=2026-03-20", token: lab.adminToken)
            try report.expect(.ok)
            let rows = try report.array("rows")
            #expect(rows.map { $0["assetTag"]?.stringValue } == ["E4", "E1", "E2"])
            #expect(rows.map { $0["equipmentId"]?.stringValue } == [e4, e1, e2])
            #expect(rows.map { $0["dueOn"] } == [.null, .string("2026-03-10"), .string("2026-04-19")])
            #expect(rows.map { $0["daysLeft"] } == [.null, .number(-10), .number(30)])
            #expect(rows.map { $0["overdue"] } == [.bool(false), .bool(true), .bool(false)])
            #expect(rows.map { row -> Int in if case .array(let bookings)? = row["bookings"] { bookings.count } else { -1 } } == [0, 1, 1])
        }
    }

    // MARK: - CSV and parameters

    @Test func everyReportHasACSVWithAHeaderAndOneRecordPerJSONRow() async throws {
        try await TestLab.run { lab in
            try await plantInvoices(lab)
            let code = try await lab.service(code: "RPT-C")
            let customer = try await lab.customer()
            let (_, items) = try await receivedOrder(lab, customer, [code, code])
            try await plantReceipt(lab, items[0], receivedAt: "2026-03-01T00:00:00Z", dueOn: "2026-03-05")
            try await plantCertificate(lab, items[0], number: "C-1", signedAt: "2026-03-04T00:00:00Z")
            try await lab.api.post(
                "/v1/equipment", token: lab.adminToken,
                json: ["assetTag": .string("=HYPERLINK(1)"), "name": .string("Balance, \"fine\""), "manufacturer": .string("M"), "model": .string("M"),
                       "serialNumber": .string("S"), "quantity": .string("mass"), "range": .string("0 to 1 kg")]
            ).expect(.created)
            let reports: [(String, [String])] = [
                ("turnaround?from=2026-03-01&to=2026-03-31", ["key", "completed", "medianDays", "p90Days", "onTime", "onTimeRate"]),
                ("workload?asOf=2026-03-20", ["kind", "key", "name", "jobs", "days0to2", "days3to7", "days8to14", "days15Plus"]),
                ("revenue?from=2026-01-01&to=2026-03-31&groupBy=service", ["key", "currency", "invoiced", "credited", "paid", "outstanding"]),
                ("receivables?asOf=2026-03-20", ["customerId", "customerCode", "customerName", "currency", "current", "1-30", "31-60", "61-90", "90+", "total"]),
                ("equipment-due?asOf=2026-03-20", ["equipmentId", "assetTag", "name", "status", "dueOn", "daysLeft", "overdue", "bookings", "bookedPeriods"]),
            ]
            for (path, header) in reports {
                let json = try await lab.api.get("/v1/reports/\(path)", token: lab.adminToken)
                try json.expect(.ok)
                let csv = try await lab.api.get("/v1/reports/\(path)", token: lab.adminToken, headers: [.accept: "text/csv"])
                try csv.expect(.ok)
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true, "\(path)")
                let records = try #require(Self.parseCSV(csv.text), "\(path) is RFC 4180: \(csv.text)")
                #expect(records.first == header, "\(path)")
                #expect(records.count - 1 == (try json.array("rows")).count, "\(path)")
                #expect(records.dropFirst().allSatisfy { $0.count == header.count }, "\(path)")
                #expect(try json.array("rows").count > 0, "\(path) has rows to compare")
            }
            // Text from people is neutralised against formula injection and quoted where it must be.
            let equipment = try await lab.api.get("/v1/reports/equipment-due?asOf=2026-03-20", token: lab.adminToken, headers: [.accept: "text/csv"])
            #expect(equipment.text.contains("'=HYPERLINK(1),\"Balance, \"\"fine\"\"\""))
            // Revenue in CSV: amounts as decimals of the currency.
            let revenue = try await lab.api.get("/v1/reports/revenue?from=2026-01-01&to=2026-03-31", token: lab.adminToken, headers: [.accept: "text/csv"])
            #expect(revenue.text.contains("2026-02,EUR,31.80,0.00,10.01,21.79\r\n"))
            // Neither JSON nor CSV: 406.
            try await lab.api.get("/v1/reports/workload", token: lab.adminToken, headers: [.accept: "image/png"]).expect(.notAcceptable)
        }
    }

    @Test func badParametersAreOneProblemNamingEachNeverAServerError() async throws {
        try await TestLab.run { lab in
            let bad = try await lab.api.get("/v1/reports/turnaround?from=2026-02-30&to=soon&groupBy=week", token: lab.adminToken)
            try bad.expect(.unprocessableContent)
            #expect(Set(bad.problemFields) == ["from", "to", "groupBy"])
            let reversed = try await lab.api.get("/v1/reports/revenue?from=2026-03-02&to=2026-03-01&groupBy=technician", token: lab.adminToken)
            try reversed.expect(.unprocessableContent)
            #expect(Set(reversed.problemFields) == ["from", "groupBy"])
            let asOf = try await lab.api.get("/v1/reports/receivables?asOf=yesterday", token: lab.adminToken)
            try asOf.expect(.unprocessableContent)
            #expect(asOf.problemFields == ["asOf"])
            let window = try await lab.api.get("/v1/reports/equipment-due?withinDays=-1&asOf=2026-13-01", token: lab.adminToken)
            try window.expect(.unprocessableContent)
            #expect(Set(window.problemFields) == ["withinDays", "asOf"])
            try await lab.api.get("/v1/reports/workload?asOf=2026-1-1", token: lab.adminToken).expect(.unprocessableContent)
            try await lab.api.get("/v1/reports/workload").expect(.unauthorized)
        }
    }

    // MARK: - The console page

    @Test func theConsolePageShowsTablesAndChartsAndMoneyOnlyToAdminAndBilling() async throws {
        try await TestLab.run { lab in
            try await plantInvoices(lab)
            var admin = try await TestBrowser.signedIn(lab, roles: ["admin"])
            let page = try await admin.send(.get, "/console/reports?from=2026-01-01&to=2026-03-31")
            try page.expect(.ok)
            #expect(page.text.contains("<svg role=\"img\""))
            #expect(page.text.contains("Revenue by month"))
            // The figures of the API, formatted: February's EUR invoice and its outstanding balance.
            #expect(page.text.contains("31.80 EUR"))
            #expect(page.text.contains("21.79 EUR"))
            var technician = try await TestBrowser.signedIn(lab, roles: ["technician"])
            let work = try await technician.send(.get, "/console/reports")
            try work.expect(.ok)
            #expect(work.text.contains("Open work"))
            #expect(!work.text.contains("Revenue by month"))
            #expect(!work.text.contains("Receivables"))
            // A bad date is named beside its field, and the page still answers (422) with the default period.
            let bad = try await technician.send(.get, "/console/reports?from=2026-02-30&to=2026-01-01")
            try bad.expect(.unprocessableContent)
            #expect(bad.text.contains("id=\"report-from-error\""))
        }
    }
}
