import Accounts
import Certification
import Foundation
import Instruments
import LIMSCore
import Logging
import Orders
import Samples
import Scheduling
import Webhooks

/// The demo lab `lims seed-demo` makes, so a newcomer's first run shows a working lab: staff with
/// authorisations, a catalogue, calibrated reference equipment, two customers with API keys, and orders at
/// every stage — submitted, rejected, accepted, in progress, and completed with a signed certificate and an
/// invoice. Every step goes through the modules' own APIs, so the demo obeys the same rules as the API.
/// Seeding twice changes nothing.
public struct DemoLab: Sendable {
    let configuration: AppConfiguration
    let database: Database

    public init(configuration: AppConfiguration, database: Database) {
        self.configuration = configuration
        self.database = database
    }

    static let staff: [(email: String, name: String, roles: [String])] = [
        ("admin@calibra.test", "Ada Admin", ["admin", "billing"]),
        ("reception@calibra.test", "Rui Reception", ["receptionist"]),
        ("tech@calibra.test", "Tao Technician", ["technician"]),
        ("tech2@calibra.test", "Lin Technician", ["technician"]),
        ("review@calibra.test", "Mei Reviewer", ["reviewer", "technician"]),
        ("sign@calibra.test", "Sun Signatory", ["signatory", "reviewer"]),
        ("billing@calibra.test", "Bo Billing", ["billing"]),
    ]

    static let services: [JSONValue] = [
        service("PG-VER", "Spring-tube pressure gauge verification", "verification", "Pressure gauge", "pressure", "MPa", "0 to 60 MPa",
                "JJG 52-2013", 28_000, 5, mpe: "0.04", rule: "simple", months: 6, mandatory: "safety_protection"),
        service("PG-CAL", "Digital pressure gauge calibration", "calibration", "Pressure gauge", "pressure", "MPa", "0 to 70 MPa",
                "JJF 1059.1-2012 / JJG 875-2019", 35_000, 7, mpe: "0.05", rule: "guarded"),
        service("BAL-CAL", "Electronic balance calibration", "calibration", "Balance", "mass", "g", "0 to 2200 g", "JJF 1847-2020", 42_000, 7),
        service("TW-CAL", "Torque wrench calibration", "calibration", "Torque wrench", "torque", "N·m", "2 to 400 N·m", "ISO 6789-2:2017", 30_000, 10),
        service("TH-CAL", "Platinum resistance thermometer calibration", "calibration", "Thermometer", "temperature", "°C", "-40 to 420 °C",
                "JJG 229-2010", 56_000, 14),
    ]

    static func service(
        _ code: String, _ title: String, _ kind: String, _ category: String, _ quantity: String, _ unit: String, _ range: String, _ method: String,
        _ priceMinor: Int, _ days: Int, mpe: String? = nil, rule: String? = nil, months: Int? = nil, mandatory: String? = nil
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "code": .string(code), "title": .string(title), "kind": .string(kind), "instrumentCategory": .string(category),
            "quantity": .string(quantity), "unit": .string(unit), "range": .string(range), "method": .string(method), "accredited": .bool(true),
            "price": .object(["amountMinor": .number(Double(priceMinor)), "currency": .string("CNY")]), "turnaroundDays": .number(Double(days)),
            "expediteSurchargeBasisPoints": .number(5000),
        ]
        if let mpe { body["mpe"] = .string(mpe) }
        if let rule { body["decisionRule"] = .string(rule) }
        if let months { body["verificationPeriodMonths"] = .number(Double(months)) }
        if let mandatory { body["mandatoryVerificationCategory"] = .string(mandatory) }
        return .object(body)
    }

    /// Seeds the lab and returns a report to print: credentials appear only on the run that created them.
    public func seed() async throws -> String {
        var modules = try Modules(configuration: configuration, database: database)
        if try await modules.staff.find(email: "admin@calibra.test") != nil {
            return "The demo lab already exists (admin: admin@calibra.test; its password was printed when it was created)."
        }
        if modules.signingKey == nil || !modules.webhooks.hasKey {
            // The modules hold the keys read when they were made: make the missing ones, then make them again.
            if modules.signingKey == nil { try SigningKey.create(at: configuration.signingKeyPath) }
            if !modules.webhooks.hasKey { _ = try WebhookKey.loadOrCreate(at: configuration.webhookKeyPath) }
            modules = try Modules(configuration: configuration, database: database)
        }
        let system = AuditContext.system
        let password = SecretToken.generate(prefix: "").prefix(16).description
        var lines = ["Demo lab created.", "", "Staff (all with the password \(password)):"]
        var people: [String: StaffPrincipal] = [:]
        for member in Self.staff {
            let user = try await modules.staff.create(.init(email: member.email, name: member.name, roles: member.roles, password: password), audit: system)
            people[member.email] = StaffPrincipal(id: user.id, email: user.email, name: user.name, roles: Set(user.roles))
            lines.append("  \(user.email.padding(toLength: 26, withPad: " ", startingAt: 0)) \(member.roles.joined(separator: ", "))")
        }
        func person(_ email: String) throws -> StaffPrincipal {
            guard let principal = people[email] else { throw Problem.notFound("Demo staff \(email)") }
            return principal
        }
        func audit(_ email: String) throws -> AuditContext { AuditContext(actor: Principal.staff(try person(email)).actor, requestId: "seed-demo") }

        // Catalogue and competence.
        var codes: [String] = []
        for body in Self.services {
            codes.append(try await modules.catalogue.create(try decode(body), audit: system).code)
        }
        let validUntil = DateFormats.formatDay(Date().addingTimeInterval(365 * 86_400))
        for code in codes {
            for (email, activity) in [("tech@calibra.test", Activity.perform), ("tech2@calibra.test", .perform), ("review@calibra.test", .perform),
                                      ("review@calibra.test", .review), ("sign@calibra.test", .review), ("sign@calibra.test", .sign)] {
                _ = try await modules.authorizations.grant(userId: try person(email).id, serviceCode: code, activity: activity, validUntil: validUntil, audit: system)
            }
        }

        // Reference equipment: calibrated and usable, plus one falling due soon for the recall list.
        let today = Date()
        func day(_ offset: Int) -> String { DateFormats.formatDay(today.addingTimeInterval(Double(offset) * 86_400)) }
        let equipment: [(tag: String, name: String, make: String, model: String, quantity: String, range: String, services: [String], due: Int)] = [
            ("REF-P-001", "Digital pressure calibrator", "Fluke", "2700G", "pressure", "0 to 70 MPa", ["PG-VER", "PG-CAL"], 300),
            ("REF-P-002", "Pressure check standard (dead-weight tester)", "Fluke", "P3123", "pressure", "0.1 to 110 MPa", ["PG-VER"], 180),
            ("REF-M-001", "E2 weight set", "Mettler Toledo", "E2 1 mg–1 kg", "mass", "1 mg to 2 kg", ["BAL-CAL"], 200),
            ("REF-T-001", "Torque transducer", "Norbar", "TST", "torque", "1 to 500 N·m", ["TW-CAL"], 20),
            ("REF-H-001", "Standard platinum resistance thermometer", "Fluke", "5615", "temperature", "-200 to 420 °C", ["TH-CAL"], 150),
        ]
        var pressureStandard: UUID?
        var checkStandard: UUID?
        for item in equipment {
            let created = try await modules.equipment.create(
                try decode(.object([
                    "assetTag": .string(item.tag), "name": .string(item.name), "manufacturer": .string(item.make), "model": .string(item.model),
                    "serialNumber": .string("\(item.tag)-SN"), "quantity": .string(item.quantity), "range": .string(item.range),
                    "serviceCodes": .array(item.services.map { .string($0) }),
                ])),
                serviceExists: modules.serviceExists, audit: system
            )
            if item.tag == "REF-H-001" {
                // This standard's calibration comes as its provider's Digital Calibration Certificate, imported as is.
                _ = try await modules.equipment.importCalibration(
                    equipmentId: created.id, dcc: Data(Self.providerDCC(number: "NIM-\(item.tag)-2026", serial: "\(item.tag)-SN", on: day(item.due - 365)).utf8),
                    dueOn: day(item.due), asFound: "in_tolerance", audit: system
                )
                continue
            }
            _ = try await modules.equipment.recordCalibration(
                equipmentId: created.id,
                try decode(.object([
                    "certificateNumber": .string("NIM-\(item.tag)-2026"), "calibratedBy": .string("National Institute of Metrology, China"),
                    "calibratedOn": .string(day(item.due - 365)), "dueOn": .string(day(item.due)),
                    "traceability": .string("Traceable to the national primary standards of China (NIM) and thereby to the SI"),
                    "asFound": .string("in_tolerance"),
                ])),
                audit: system
            )
            if item.tag == "REF-P-001" { pressureStandard = created.id }
            if item.tag == "REF-P-002" { checkStandard = created.id }
        }

        // Customers and their API keys.
        lines += ["", "Customers (API keys are shown only now):"]
        var customers: [UUID] = []
        for (code, name, discount) in [("ACME", "Acme Instruments Co., Ltd.", 1000), ("HZPUMP", "Hangzhou Pump & Valve Works", 0)] {
            let customer = try await modules.customers.create(
                .init(code: code, name: name, address: "\(code == "ACME" ? "12 Industrial Avenue, Suzhou" : "5 River Road, Hangzhou"), China",
                      taxId: "91320500MA\(code)", currency: "CNY", billingEmail: "ap@\(code.lowercased()).example", discountBasisPoints: discount,
                      taxRateBasisPoints: 600, paymentTermsDays: 30),
                audit: system
            )
            if code == "HZPUMP" {
                // Hangzhou takes its certificates, notices and invoices in Chinese with English beside it.
                _ = try await modules.customers.update(id: customer.id, .init(documentLanguage: "bilingual"), audit: system)
            }
            let key = try await modules.apiKeys.issue(customerId: customer.id, label: "demo", audit: system)
            customers.append(customer.id)
            lines.append("  \(name): \(key.key)")
        }
        // People at the customers, for the customer portal.
        lines += ["", "Customer portal people (all with the password \(password)):"]
        let portalPeople: [(customer: Int, email: String, name: String, role: CustomerRole)] = [
            (0, "coordinator@acme.example", "Wang Fang", .customerAdmin), (0, "buyer@acme.example", "Zhao Lei", .customerUser),
            (1, "quality@hzpump.example", "Chen Jing", .customerAdmin),
        ]
        for person in portalPeople {
            let made = try await modules.people.create(
                .init(email: person.email, name: person.name, role: person.role.rawValue, password: password), customerId: customers[person.customer],
                audit: system
            )
            lines.append("  \(made.email.padding(toLength: 26, withPad: " ", startingAt: 0)) \(person.role.rawValue) at \(person.customer == 0 ? "Acme" : "Hangzhou Pump")")
        }
        // A webhook endpoint for Acme, disabled and pointing nowhere (the .example domain never resolves), so the portal's
        // settings have one to show; disabled before any event, so nothing is queued for it.
        let hook = try await modules.webhooks.create(
            customerId: customers[0], url: "https://erp.acme.example/calibra/webhooks", eventTypes: ["certificate.issued", "invoice.issued"], audit: system
        )
        try await modules.webhooks.disable(
            id: hook.endpoint.id, customerId: customers[0], reason: "Demo endpoint: it points nowhere. Add your own endpoint to receive events.", audit: system
        )

        // Orders at every stage.
        func submit(_ customer: UUID, _ reference: String, _ services: [String], priority: String = "standard") async throws -> Order {
            let body: JSONValue = .object([
                "customerReference": .string(reference), "priority": .string(priority),
                "items": .array(services.enumerated().map { index, code in
                    .object(["serviceCode": .string(code), "instrument": .object([
                        "manufacturer": .string(code.hasPrefix("PG") ? "Yichuan" : "Sartorius"), "model": .string(code.hasPrefix("PG") ? "Y-100" : "BCE2202"),
                        "serialNumber": .string("\(reference)-\(index + 1)"),
                    ])])
                }),
            ])
            let submission: OrderSubmission = try decode(body)
            return try await database.transaction { connection in
                try await modules.orders.submit(submission, customerId: customer, on: connection, audit: AuditContext(actor: .init(kind: "customer", id: customer, name: nil), requestId: "seed-demo"))
            }
        }
        _ = try await submit(customers[0], "PO-2026-0101", ["BAL-CAL"])
        let rejected = try await submit(customers[1], "PO-HZ-77", ["TH-CAL"])
        _ = try await modules.orders.reject(id: rejected.id, reason: "Thermometer range beyond our accreditation scope", audit: try audit("reception@calibra.test"))
        let awaiting = try await submit(customers[1], "PO-HZ-78", ["TW-CAL", "TW-CAL"])
        _ = try await modules.orders.accept(id: awaiting.id, audit: try audit("reception@calibra.test"))
        let running = try await submit(customers[0], "PO-2026-0102", ["PG-CAL", "BAL-CAL"], priority: "expedited")
        _ = try await modules.orders.accept(id: running.id, audit: try audit("reception@calibra.test"))
        for item in running.items {
            _ = try await modules.samples.receive(itemId: item.id, condition: .ok, notes: nil, location: "Receiving shelf R2", audit: try audit("reception@calibra.test"))
        }
        guard let pressureStandard, let checkStandard else { throw Problem.conflict("The demo pressure standards are missing.") }
        func pressureMeasurement(_ points: [(String, [String])], checkedWith extra: [UUID] = []) throws -> MeasurementInput {
            try decode(.object([
                "equipmentIds": .array(([pressureStandard] + extra).map { .string($0.uuidString) }),
                "environment": .object(["temperatureC": .string("20.3"), "relativeHumidityPct": .string("48")]),
                "points": .array(points.map { nominal, readings in
                    .object([
                        "quantity": .string("pressure"), "unit": .string("MPa"), "nominal": .string(nominal), "reference": .string("\(nominal).000"),
                        "readings": .array(readings.map { .string($0) }), "resolution": .string("0.001"),
                        "budget": .array([.object(["name": .string("reference standard"), "type": .string("B"), "expandedUncertainty": .number(0.004), "coverageFactor": .number(2)])]),
                    ])
                }),
            ]))
        }
        let measurement = try pressureMeasurement([("2", ["2.002", "2.004", "2.003"]), ("6", ["6.010", "6.008", "6.011"]), ("10", ["10.012", "10.015", "10.013"])])
        // The running order's pressure gauge has been measured by a second technician and awaits review, so the
        // reviewers' "My work" and the job pages show work in every state.
        let secondTechnician = try person("tech2@calibra.test")
        if let pending = try await modules.jobs.claim(userId: secondTechnician.id, serviceCodes: ["PG-CAL"], audit: try audit("tech2@calibra.test")) {
            _ = try await modules.measurements.save(jobId: pending.id, input: measurement, by: secondTechnician, audit: try audit("tech2@calibra.test"))
            _ = try await modules.measurements.submit(jobId: pending.id, by: secondTechnician, audit: try audit("tech2@calibra.test"))
        }
        let completed = try await submit(customers[0], "PO-2026-0100", ["PG-VER"])
        _ = try await modules.orders.accept(id: completed.id, audit: try audit("reception@calibra.test"))
        let item = completed.items[0]
        _ = try await modules.samples.receive(itemId: item.id, condition: .ok, notes: "Minor scratches on the dial glass", location: "Pressure lab bench 1",
                                              audit: try audit("reception@calibra.test"))
        let technician = try person("tech@calibra.test")
        guard let job = try await modules.jobs.claim(userId: technician.id, serviceCodes: ["PG-VER"], audit: try audit("tech@calibra.test")) else {
            throw Problem.conflict("The demo job could not be claimed.")
        }
        _ = try await modules.measurements.save(jobId: job.id, input: measurement, by: technician, audit: try audit("tech@calibra.test"))
        _ = try await modules.measurements.submit(jobId: job.id, by: technician, audit: try audit("tech@calibra.test"))
        _ = try await modules.certification.review(jobId: job.id, decision: .approve, comment: "Checked", by: try person("review@calibra.test"), audit: try audit("review@calibra.test"))
        let certificate = try await modules.certification.sign(jobId: job.id, by: try person("sign@calibra.test"), audit: try audit("sign@calibra.test"))
        lines += try await seedInstruments(
            modules: modules, customer: customers[0], submit: submit, audit: audit, person: person,
            failing: try pressureMeasurement(
                [("2", ["2.002", "2.004", "2.003"]), ("6", ["6.071", "6.068", "6.074"]), ("10", ["10.112", "10.109", "10.115"])], checkedWith: [checkStandard]
            )
        )
        // The check standard comes back from its recalibration found out of tolerance: the certificates resting on it
        // since it was last found in tolerance are in doubt, and a nonconformity is open for them.
        _ = try await modules.equipment.recordCalibration(
            equipmentId: checkStandard,
            .init(
                certificateNumber: "NIM-REF-P-002-2027", calibratedBy: "National Institute of Metrology, China", calibratedOn: day(0), dueOn: day(365),
                traceability: "Traceable to the national pressure standard (NIM, China)", asFound: "out_of_tolerance",
                asFoundNotes: "0.08 % of full scale high at 60 MPa before adjustment"
            ),
            audit: system
        )
        let nonconformity = try await modules.nonconformities.open(
            .init(equipmentId: checkStandard.uuidString, description: "REF-P-002 found 0.08 % FS high at 60 MPa at its recalibration", since: nil),
            audit: try audit("sign@calibra.test")
        )
        lines += [
            "", "Nonconformity \(nonconformity.number) is open: REF-P-002 was found out of tolerance; \(nonconformity.certificates.count) certificate(s) await a disposition.",
        ]
        lines += [
            "", "Orders: one submitted, one rejected, one accepted awaiting its instruments, one in progress (expedited: its pressure gauge",
            "awaits review, its balance waits in the queue), and \(completed.number) completed with certificate \(certificate.number) and its invoice",
            "(HTML, text and DCC: GET /v1/certificates/{id}?format=dcc). Hangzhou Pump & Valve Works takes bilingual documents (中英文对照);",
            "REF-H-001's calibration was imported from its provider's Digital Calibration Certificate.",
            "", "Staff console: http://\(configuration.host):\(configuration.port)/console (sign in with a staff email above and the password).",
            "Customer portal: http://\(configuration.host):\(configuration.port)/portal (sign in with a customer portal email above and the password).",
            "", "Try: curl -H 'Authorization: Bearer <key>' http://\(configuration.host):\(configuration.port)/v1/orders",
        ]
        return lines.joined(separator: "\n")
    }

    /// A provider's DCC (PTB schema 3.1.2) for the demo thermometer standard, as a national institute might send it.
    static func providerDCC(number: String, serial: String, on day: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" xmlns:si="https://ptb.de/si" schemaVersion="3.1.2">
          <dcc:administrativeData>
            <dcc:dccSoftware><dcc:software><dcc:name><dcc:content>NIM DCC service</dcc:content></dcc:name><dcc:release>1.0</dcc:release></dcc:software></dcc:dccSoftware>
            <dcc:coreData>
              <dcc:countryCodeISO3166_1>CN</dcc:countryCodeISO3166_1>
              <dcc:usedLangCodeISO639_1>en</dcc:usedLangCodeISO639_1>
              <dcc:mandatoryLangCodeISO639_1>en</dcc:mandatoryLangCodeISO639_1>
              <dcc:uniqueIdentifier>\(number)</dcc:uniqueIdentifier>
              <dcc:beginPerformanceDate>\(day)</dcc:beginPerformanceDate>
              <dcc:endPerformanceDate>\(day)</dcc:endPerformanceDate>
              <dcc:performanceLocation>laboratory</dcc:performanceLocation>
            </dcc:coreData>
            <dcc:items><dcc:item>
              <dcc:name><dcc:content lang="en">Standard platinum resistance thermometer</dcc:content></dcc:name>
              <dcc:manufacturer><dcc:name><dcc:content>Fluke</dcc:content></dcc:name></dcc:manufacturer>
              <dcc:model>5615</dcc:model>
              <dcc:identifications><dcc:identification><dcc:issuer>manufacturer</dcc:issuer><dcc:value>\(serial)</dcc:value></dcc:identification></dcc:identifications>
            </dcc:item></dcc:items>
            <dcc:calibrationLaboratory>
              <dcc:contact>
                <dcc:name><dcc:content>National Institute of Metrology, China</dcc:content></dcc:name>
                <dcc:eMail>dcc@nim.example</dcc:eMail>
                <dcc:location><dcc:city>Beijing</dcc:city><dcc:countryCode>CN</dcc:countryCode></dcc:location>
              </dcc:contact>
            </dcc:calibrationLaboratory>
            <dcc:respPersons><dcc:respPerson><dcc:person><dcc:name><dcc:content>Li Ming</dcc:content></dcc:name></dcc:person><dcc:mainSigner>true</dcc:mainSigner></dcc:respPerson></dcc:respPersons>
            <dcc:customer>
              <dcc:name><dcc:content>Calibra Metrology Test Centre</dcc:content></dcc:name>
              <dcc:eMail>lab@calibra.example</dcc:eMail>
              <dcc:location><dcc:city>Hangzhou</dcc:city></dcc:location>
            </dcc:customer>
            <dcc:statements>
              <dcc:statement refType="basic_traceability">
                <dcc:traceable>true</dcc:traceable>
                <dcc:declaration><dcc:content lang="en">Traceable to the national primary standards of China (NIM) and thereby to the SI</dcc:content></dcc:declaration>
              </dcc:statement>
            </dcc:statements>
          </dcc:administrativeData>
          <dcc:measurementResults>
            <dcc:measurementResult>
              <dcc:name><dcc:content>Resistance at the fixed points of ITS-90</dcc:content></dcc:name>
              <dcc:results>
                <dcc:result>
                  <dcc:name><dcc:content>Triple point of water</dcc:content></dcc:name>
                  <dcc:data><dcc:quantity><si:real><si:value>25.54981</si:value><si:unit>\\ohm</si:unit>
                    <si:expandedUnc><si:uncertainty>0.00004</si:uncertainty><si:coverageFactor>2</si:coverageFactor><si:coverageProbability>0.95</si:coverageProbability></si:expandedUnc>
                  </si:real></dcc:quantity></dcc:data>
                </dcc:result>
              </dcc:results>
            </dcc:measurementResult>
          </dcc:measurementResults>
        </dcc:digitalCalibrationCertificate>
        """
    }

    func decode<T: Decodable>(_ value: JSONValue) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONValue.encoder.encode(value))
    }

    /// The instrument register in every status: the completed order's gauge is in period; a boiler gauge fails its mandatory
    /// verification here; two gauges verified by another lab before Calibra (imported history) are overdue and due soon;
    /// a balance calibrated elsewhere has an agreed 12-month interval; the instruments still in the lab have no due date yet.
    /// Then one recall pass puts the due-soon and overdue notices in the customer's feed.
    func seedInstruments(
        modules: Modules, customer: UUID, submit: (UUID, String, [String], String) async throws -> Order,
        audit: (String) throws -> AuditContext, person: (String) throws -> StaffPrincipal, failing: MeasurementInput
    ) async throws -> [String] {
        let boiler = try await submit(customer, "PO-2026-0103", ["PG-VER"], "standard")
        _ = try await modules.orders.accept(id: boiler.id, audit: try audit("reception@calibra.test"))
        _ = try await modules.samples.receive(
            itemId: boiler.items[0].id, condition: .ok, notes: "Boiler gauge, pointer sticks", location: "Pressure lab bench 2",
            audit: try audit("reception@calibra.test")
        )
        let technician = try person("tech@calibra.test")
        guard let job = try await modules.jobs.claim(userId: technician.id, serviceCodes: ["PG-VER"], audit: try audit("tech@calibra.test")) else {
            throw Problem.conflict("The demo verification job could not be claimed.")
        }
        _ = try await modules.measurements.save(jobId: job.id, input: failing, by: technician, audit: try audit("tech@calibra.test"))
        _ = try await modules.measurements.submit(jobId: job.id, by: technician, audit: try audit("tech@calibra.test"))
        _ = try await modules.certification.review(
            jobId: job.id, decision: .approve, comment: "Errors beyond the MPE confirmed", by: try person("review@calibra.test"),
            audit: try audit("review@calibra.test")
        )
        let notice = try await modules.certification.sign(jobId: job.id, by: try person("sign@calibra.test"), audit: try audit("sign@calibra.test"))

        // Records the customer brought from its previous lab.
        let today = Date()
        func day(_ offset: Int) -> String { DateFormats.formatDay(today.addingTimeInterval(Double(offset) * 86_400)) }
        let earlier: [(model: String, serial: String, service: String, kind: String, number: String, on: Int, validUntil: Int?)] = [
            ("Y-60", "HZ-2025-0311", "PG-VER", "verification-certificate", "HZJL-2025-0311", -200, -17),
            ("Y-100", "HZ-2025-0588", "PG-VER", "verification-certificate", "HZJL-2025-0588", -170, 12),
            ("ME204", "B-2209", "BAL-CAL", "calibration-certificate", "SZJL-2025-2209", -300, nil),
        ]
        let instruments = modules.instruments
        let system = AuditContext(actor: .system, requestId: "seed-demo")
        try await database.transaction { connection in
            for record in earlier {
                let verification = record.kind != "calibration-certificate"
                let ids = try await instruments.register(
                    [.init(
                        manufacturer: verification ? "Yichuan" : "Mettler Toledo", model: record.model, serialNumber: record.serial,
                        category: verification ? "Pressure gauge" : "Balance", mandatoryVerificationCategory: verification ? .safetyProtection : nil
                    )],
                    customerId: customer, on: connection, audit: system
                )
                try await instruments.recordCertificate(
                    CertificateRecord(
                        certificateId: nil, number: record.number, serviceCode: record.service, documentKind: record.kind, serviceOn: day(record.on),
                        issuedOn: day(record.on), validUntil: record.validUntil.map(day)
                    ),
                    instrumentId: ids[0], on: connection, audit: system
                )
            }
        }
        let balance = try await instruments.list(InstrumentFilter(customerId: customer, serialNumber: "B-2209"), page: PageRequest(limit: 1))
        if let balance = balance.items.first {
            _ = try await instruments.update(id: balance.id, scope: nil, InstrumentChange(calibrationIntervalMonths: .set(12)), audit: system)
        }
        let sent = try await RecallSweep(store: instruments).run()
        return [
            "", "Instrument register (Acme): in period, due soon, overdue (verified elsewhere before), a boiler gauge that failed its",
            "mandatory verification here (\(notice.number)), and instruments not yet serviced; the recall sweep sent \(sent.dueSoon) due-soon",
            "and \(sent.overdue) overdue notice(s) to the feed.",
        ]
    }
}
