import Certification
import Foundation
import Hummingbird
import LIMSCore
import Quality
import Scheduling
import Web

/// `/console/equipment`: the register of the lab's reference equipment (filter by status and calibration due, register
/// new equipment) and `/console/equipment/{id}`: one piece of equipment with its calibrations, status, the week's
/// bookings and the certificates issued with it. Admins register, calibrate and change status (the API's rule);
/// every member of staff may book.
struct EquipmentPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/equipment/index", "console/equipment/show"]

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("equipment", use: list)
        group.post("equipment", use: register)
        group.get("equipment/{id}", use: show)
        group.post("equipment/{id}/calibrations", use: recordCalibration)
        group.get("equipment/{id}/calibrations/{calibrationId}/dcc", use: calibrationDCC)
        group.post("equipment/{id}/status", use: changeStatus)
        group.post("equipment/{id}/bookings", use: book)
        group.post("equipment/{id}/bookings/{booking}/cancel", use: cancelBooking)
    }

    // MARK: - View models

    typealias Option = FormField.Option

    struct Row {
        var href: String
        var assetTag: String
        var name: String
        var makeModel: String
        var quantity: String
        var range: String
        var status: String
        var statusClass: String
        var dueOn: String
        var overdue: Bool
        var dueSoon: Bool
        var usable: Bool
        var reason: String
    }

    struct ServiceChoice {
        var code: String
        var label: String
        var id: String
        var checked: Bool
    }

    struct ListModel {
        var rows: [Row]
        var statusOptions: [Option]
        var due: String
        var dueError: String?
        var filtered: Bool
        var nextHref: String?
        var firstHref: String?
        var canRegister: Bool
        var register: FieldProblems
        var services: [ServiceChoice]
        var errors: [FieldProblems.Link]
    }

    struct Fact {
        var label: String
        var value: String
    }

    struct CalibrationRow {
        var certificateNumber: String
        var calibratedBy: String
        var calibratedOn: String
        var dueOn: String
        var traceability: String
        var asFound: String
        var outOfTolerance: Bool
        var inForce: Bool
        /// The provider's DCC, when the calibration was imported from one.
        var dccHref: String?
    }

    struct BookingBlock {
        var time: String
        var bookedBy: String
        var jobHref: String?
        var cancelAction: String?
    }

    struct Day {
        var weekday: String
        var date: String
        var today: Bool
        var bookings: [BookingBlock]
    }

    struct ImpactRow {
        var number: String
        var href: String
        var issuedOn: String
        var customer: String
        var instrument: String
        var calibrationCertificate: String
        var superseded: Bool
    }

    struct ShowModel {
        var id: String
        var heading: String
        var facts: [Fact]
        var status: String
        var statusClass: String
        var usable: Bool
        var reason: String
        var calibrations: [CalibrationRow]
        var canAdminister: Bool
        var retired: Bool
        var calibration: FieldProblems
        var statusForm: FieldProblems
        var statusOptions: [Option]
        var weekCaption: String
        var days: [Day]
        var weekIsEmpty: Bool
        var previousWeek: String
        var thisWeek: String
        var nextWeek: String
        var canBook: Bool
        var booking: FieldProblems
        var impact: [ImpactRow]
        var impactNext: String?
        var asFoundOptions: [Option]
        /// Reverse traceability: for those who open nonconformities, the certificates in doubt now and the form.
        var canOpenNonconformity: Bool
        var doubt: String
        var nonconformity: FieldProblems
        var errors: [FieldProblems.Link]
    }

    // MARK: - The register

    static let registerFields = ["assetTag", "name", "manufacturer", "model", "serialNumber", "quantity", "range"]

    func registerFieldList(_ display: Display) -> [FieldProblems.Field] {
        Self.registerFields.map { FieldProblems.Field(name: $0, anchor: "eq-\($0)", label: display.text(Self.labelKey($0))) }
            + [FieldProblems.Field(name: "serviceCodes", anchor: "eq-services", label: display.text("equipmentPage.services"))]
    }

    static func labelKey(_ field: String) -> String {
        switch field {
        case "assetTag": "equipment.assetTag"
        case "name": "equipment.name"
        default: "equipmentPage.\(field)"
        }
    }

    func list(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await renderList(request, context: context, register: FieldProblems(), checked: [])
    }

    func renderList(
        _ request: Request, context: ConsoleContext, register: FieldProblems, checked: [String], status httpStatus: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        let status = query["status"].flatMap { EquipmentStatus(rawValue: String($0)) }
        let dueText = query["due"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        var due: Int?
        var dueError: String?
        if !dueText.isEmpty {
            if let days = Int(dueText), (0...3650).contains(days) { due = days } else { dueError = display.text("equipmentPage.dueInvalid") }
        }
        let cursor = query["cursor"].map(String.init)
        var page = (try? PageRequest(query: cursor.map { ["cursor": $0] } ?? [:])) ?? PageRequest()
        page.limit = 50
        let found: Page<Equipment>
        do {
            found = try await services.equipment.list(status: status, dueWithinDays: due, page: page)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            found = try await services.equipment.list(status: status, dueWithinDays: due, page: PageRequest(limit: 50))
        }
        let today = DateFormats.formatDay(Date())
        let soon = DateFormats.formatDay(Date().addingTimeInterval(30 * 86_400))
        let rows = found.items.map { equipment in
            let dueOn = equipment.latestCalibration?.dueOn
            return Row(
                href: "/console/equipment/\(equipment.id)", assetTag: equipment.assetTag, name: equipment.name,
                makeModel: "\(equipment.manufacturer) \(equipment.model)", quantity: equipment.quantity, range: equipment.range,
                status: Self.statusText(equipment.status, display), statusClass: Self.statusClass(equipment.status),
                dueOn: dueOn ?? "", overdue: (dueOn ?? today) < today, dueSoon: dueOn.map { $0 >= today && $0 <= soon } ?? false,
                usable: equipment.usable, reason: Self.unusableReason(equipment, today: today, display: display)
            )
        }
        var filter: [String] = []
        if let status { filter.append("status=\(status.rawValue)") }
        if let due { filter.append("due=\(due)") }
        let base = "/console/equipment"
        let filterQuery = filter.joined(separator: "&")
        let nextHref = found.nextCursor.map { base + "?" + (filter + ["cursor=\($0)"]).joined(separator: "&") }
        let firstHref = cursor == nil ? nil : (filterQuery.isEmpty ? base : base + "?" + filterQuery)
        let canRegister = context.has(.admin)
        var choices: [ServiceChoice] = []
        if canRegister {
            choices = try await services.catalogue.list().enumerated().map { index, service in
                ServiceChoice(code: service.code, label: "\(service.code) · \(service.title)", id: "eq-service-\(index)", checked: checked.contains(service.code))
            }
        }
        let model = ListModel(
            rows: rows,
            statusOptions: [Option(value: "", label: display.text("equipmentPage.anyStatus"), selected: status == nil)]
                + EquipmentStatus.allCases.map { Option(value: $0.rawValue, label: Self.statusText($0, display), selected: $0 == status) },
            due: dueText, dueError: dueError, filtered: status != nil || due != nil, nextHref: nextHref, firstHref: firstHref,
            canRegister: canRegister, register: register, services: choices, errors: register.summary
        )
        return try area.page(
            "console/equipment/index", titleKey: "equipmentPage.title", model: model, request: request, context: context.root, status: httpStatus
        )
    }

    func register(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.equipment)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        let fields = registerFieldList(display)
        var state = FieldProblems()
        for name in Self.registerFields { state.values[name] = form.all(name).first ?? "" }
        let codes = form.all("serviceCodes").filter { !$0.isEmpty }
        state.add(
            form.problems.map { FieldIssue(field: $0.key, message: $0.value) }.sorted { $0.field < $1.field }, fields: fields,
            fallback: fields[0], display: display
        )
        if state.isEmpty {
            do {
                let input = EquipmentStore.NewEquipment.make(
                    assetTag: form["assetTag"], name: form["name"], manufacturer: form["manufacturer"], model: form["model"],
                    serialNumber: form["serialNumber"], quantity: form["quantity"], range: form["range"], serviceCodes: codes
                )
                let created = try await services.equipment.create(input, serviceExists: services.serviceExists, audit: context.audit)
                return area.redirect(to: "/console/equipment/\(created.id)", flash: "equipmentPage.registered", created.assetTag)
            } catch let problem as Problem where problem.status == .unprocessableContent {
                state.add(problem.errors, fields: fields, fallback: fields[0], display: display)
            } catch let problem as Problem where problem.status == .conflict {
                state.add("assetTag", anchor: "eq-assetTag", label: fields[0].label, message: display.text("equipmentPage.assetTagTaken"))
            }
        }
        return try await renderList(request, context: context, register: state, checked: codes, status: .unprocessableContent)
    }

    // MARK: - One piece of equipment

    struct Forms {
        var calibration = FieldProblems()
        var status = FieldProblems()
        var booking = FieldProblems()
        var nonconformity = FieldProblems()
        var week: Date?
    }

    func equipmentId(_ context: ConsoleContext, _ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else { throw WebError.notFound }
        return id
    }

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, id: try equipmentId(context), forms: Forms())
    }

    func render(
        _ request: Request, context: ConsoleContext, id: UUID, forms: Forms, status httpStatus: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let equipment = try await services.equipment.find(id: id, history: true) else { throw WebError.notFound }
        let display = area.display(request)
        let query = request.uri.queryParameters
        let today = DateFormats.formatDay(Date())
        let todayDate = DateFormats.parseDay(today) ?? Date()

        // The week shown: `?week=` (any day of it), the week of a booking just tried, or this week.
        let asked = query["week"].flatMap { DateFormats.parseDay(String($0)) }
        let monday = Self.monday(of: forms.week ?? asked ?? todayDate)
        let sunday = monday.addingTimeInterval(6 * 86_400)
        let weekEnd = monday.addingTimeInterval(7 * 86_400)
        var bookings: [Booking] = []
        var cursor: String?
        repeat {
            let page = try await services.bookings.list(equipmentId: id, from: monday, to: weekEnd, page: PageRequest(limit: 200, cursor: cursor))
            bookings += page.items
            cursor = page.nextCursor
        } while cursor != nil
        var names: [UUID: String] = [:]
        for person in Set(bookings.compactMap(\.bookedBy)) { names[person] = try await services.staff.find(id: person)?.name ?? "" }
        let isAdmin = context.has(.admin)
        let days = (0..<7).map { offset -> Day in
            let start = monday.addingTimeInterval(Double(offset) * 86_400)
            let end = start.addingTimeInterval(86_400)
            let blocks = bookings.filter { $0.start < end && $0.end > start }.map { booking in
                BookingBlock(
                    time: "\(Self.clock(booking.start, on: start))–\(Self.clock(booking.end, on: start))",
                    bookedBy: booking.bookedBy.flatMap { names[$0] } ?? "", jobHref: booking.jobId.map { "/console/jobs/\($0)" },
                    cancelAction: booking.bookedBy == context.staff.id || isAdmin
                        ? "/console/equipment/\(id)/bookings/\(booking.id)/cancel?week=\(DateFormats.formatDay(monday))" : nil
                )
            }
            return Day(
                weekday: display.text("equipmentPage.weekday.\(offset + 1)"), date: DateFormats.formatDay(start),
                today: DateFormats.formatDay(start) == today, bookings: blocks
            )
        }
        let path = "/console/equipment/\(id)"

        var facts = [
            Fact(label: display.text("equipment.assetTag"), value: equipment.assetTag),
            Fact(label: display.text("equipment.name"), value: equipment.name),
            Fact(label: display.text("equipmentPage.manufacturer"), value: equipment.manufacturer),
            Fact(label: display.text("equipmentPage.model"), value: equipment.model),
            Fact(label: display.text("equipmentPage.serialNumber"), value: equipment.serialNumber),
            Fact(label: display.text("equipmentPage.quantity"), value: equipment.quantity),
            Fact(label: display.text("equipmentPage.range"), value: equipment.range),
            Fact(
                label: display.text("equipmentPage.services"),
                value: equipment.serviceCodes.isEmpty ? display.text("equipmentPage.noServices") : equipment.serviceCodes.joined(separator: ", ")
            ),
            Fact(label: display.text("equipment.dueOn"), value: equipment.latestCalibration?.dueOn ?? display.text("equipmentPage.never")),
            Fact(label: display.text("equipmentPage.registeredAt"), value: display.time(equipment.createdAt)),
        ]
        if let reason = equipment.statusReason, !reason.isEmpty {
            facts.append(Fact(label: display.text("equipmentPage.statusReason"), value: reason))
        }

        let inForce = equipment.latestCalibration?.id
        let calibrations = (equipment.calibrations ?? []).map {
            CalibrationRow(
                certificateNumber: $0.certificateNumber, calibratedBy: $0.calibratedBy, calibratedOn: $0.calibratedOn, dueOn: $0.dueOn,
                traceability: $0.traceability, asFound: display.text("equipmentPage.asFoundValue.\($0.asFound ?? "not_stated")"),
                outOfTolerance: $0.asFound == "out_of_tolerance", inForce: $0.id == inForce,
                dccHref: $0.dccSha256 == nil ? nil : "/console/equipment/\(equipment.id.uuidString.lowercased())/calibrations/\($0.id.uuidString.lowercased())/dcc"
            )
        }

        let canOpen = context.has(anyOf: QualityAccess.manage)
        var doubt = ""
        if canOpen {
            let inDoubt = try await services.nonconformities.impact(equipmentId: id, since: nil)
            let inForceCount = inDoubt.certificates.filter { $0.status == "issued" }.count
            doubt = inDoubt.since.map { display.text("equipmentPage.doubtSince", String(inForceCount), $0) }
                ?? display.text("equipmentPage.doubtEver", String(inForceCount))
        }
        let impactCursor = query["certificates"].map(String.init)
        let impactPage = (try? PageRequest(query: impactCursor.map { ["cursor": $0] } ?? [:])).map { PageRequest(limit: 50, cursor: $0.cursor) }
            ?? PageRequest(limit: 50)
        let issued = try await services.certificates.issued(citingEquipment: id, page: impactPage)
        let impact = issued.items.map { certificate in
            let document = certificate.document
            let cited = document.referenceEquipment.first { $0.assetTag == equipment.assetTag }
            return ImpactRow(
                number: certificate.number, href: "/console/certificates/\(certificate.id)", issuedOn: document.issuedOn,
                customer: document.customer.name,
                instrument: "\(document.instrument.manufacturer) \(document.instrument.model) · \(document.instrument.serialNumber)",
                calibrationCertificate: cited?.calibrationCertificate ?? "", superseded: certificate.status == "superseded"
            )
        }

        var calibrationForm = forms.calibration
        if calibrationForm.values["calibratedOn"] == nil { calibrationForm.values["calibratedOn"] = today }
        let statusForm = forms.status
        let chosen = statusForm.values["status"] ?? (equipment.status == .inService ? EquipmentStatus.outOfService : .inService).rawValue
        let model = ShowModel(
            id: id.uuidString, heading: display.text("equipmentPage.showHeading", equipment.assetTag, equipment.name), facts: facts,
            status: Self.statusText(equipment.status, display), statusClass: Self.statusClass(equipment.status), usable: equipment.usable,
            reason: equipment.status == .inService
                ? Self.unusableReason(equipment, today: today, display: display) : equipment.statusReason ?? "",
            calibrations: calibrations,
            canAdminister: context.has(.admin) && equipment.status != .retired, retired: equipment.status == .retired,
            calibration: calibrationForm, statusForm: statusForm,
            statusOptions: EquipmentStatus.allCases.map { Option(value: $0.rawValue, label: Self.statusText($0, display), selected: $0.rawValue == chosen) },
            weekCaption: display.text("equipmentPage.weekCaption", DateFormats.formatDay(monday), DateFormats.formatDay(sunday)), days: days,
            weekIsEmpty: bookings.isEmpty,
            previousWeek: "\(path)?week=\(DateFormats.formatDay(monday.addingTimeInterval(-7 * 86_400)))",
            thisWeek: path, nextWeek: "\(path)?week=\(DateFormats.formatDay(weekEnd))",
            canBook: equipment.usable, booking: forms.booking, impact: impact,
            impactNext: issued.nextCursor.map { "\(path)?certificates=\($0)#impact-h" },
            asFoundOptions: EquipmentStore.asFoundValues.map {
                Option(value: $0, label: display.text("equipmentPage.asFoundValue.\($0)"), selected: $0 == (forms.calibration.values["asFound"] ?? "not_stated"))
            },
            canOpenNonconformity: canOpen, doubt: doubt, nonconformity: forms.nonconformity,
            errors: forms.calibration.summary + forms.status.summary + forms.booking.summary + forms.nonconformity.summary
        )
        return try area.page(
            "console/equipment/show", titleKey: "equipmentPage.showTitle", model: model, request: request, context: context.root, status: httpStatus
        )
    }

    // MARK: Calibration and status (admin)

    static let calibrationFields = ["certificateNumber", "calibratedBy", "calibratedOn", "dueOn", "traceability", "asFound", "asFoundNotes"]

    func recordCalibration(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.equipment)
        let id = try equipmentId(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        let fields = Self.calibrationFields.map { FieldProblems.Field(name: $0, anchor: "cal-\($0)", label: display.text("equipmentPage.\($0)")) }
        var forms = Forms()
        for name in Self.calibrationFields { forms.calibration.values[name] = form.all(name).first ?? "" }
        forms.calibration.add(form.problems.map { FieldIssue(field: $0.key, message: $0.value) }, fields: fields, fallback: fields[0], display: display)
        if forms.calibration.isEmpty {
            do {
                let input = EquipmentStore.NewCalibration.make(
                    certificateNumber: form["certificateNumber"], calibratedBy: form["calibratedBy"], calibratedOn: form["calibratedOn"],
                    dueOn: form["dueOn"], traceability: form["traceability"], asFound: form["asFound"], asFoundNotes: form["asFoundNotes"]
                )
                let recorded = try await services.equipment.recordCalibration(equipmentId: id, input, audit: context.audit)
                return area.redirect(to: "/console/equipment/\(id)", flash: "equipmentPage.calibrated", recorded.certificateNumber, recorded.dueOn)
            } catch let problem as Problem where problem.status == .unprocessableContent {
                forms.calibration.add(problem.errors.map(Self.dueOnMessage(display)), fields: fields, fallback: fields[0], display: display)
            } catch let problem as Problem where problem.status == .conflict {
                return area.redirect(to: "/console/equipment/\(id)", flash: "equipmentPage.notChanged", problem.detail, error: true)
            }
        }
        return try await render(request, context: context, id: id, forms: forms, status: .unprocessableContent)
    }

    /// The store names the field it compares with (`calibratedOn`); the page names it as the person sees it.
    static func dueOnMessage(_ display: Display) -> (FieldIssue) -> FieldIssue {
        { issue in
            guard issue.field == "dueOn", issue.message == "must be after calibratedOn" else { return issue }
            return FieldIssue(field: issue.field, message: display.text("equipmentPage.dueAfterCalibrated"))
        }
    }

    func changeStatus(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.equipment)
        let id = try equipmentId(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        var forms = Forms()
        forms.status.values["status"] = form["status"] ?? ""
        forms.status.values["reason"] = form.all("reason").first ?? ""
        let reasonLabel = display.text("equipmentPage.reason")
        let status = form["status"].flatMap(EquipmentStatus.init(rawValue:))
        if status == nil {
            forms.status.add("status", anchor: "status-status", label: display.text("equipmentPage.status"), message: display.text("form.invalid"))
        }
        if let problem = form.problems["reason"] {
            forms.status.add("reason", anchor: "status-reason", label: reasonLabel, message: problem)
        } else if form["reason"] == nil {
            forms.status.add("reason", anchor: "status-reason", label: reasonLabel, message: display.text("form.required"))
        }
        if forms.status.isEmpty, let status, let reason = form["reason"] {
            do {
                let changed = try await services.equipment.changeStatus(equipmentId: id, status: status, reason: reason, audit: context.audit)
                return area.redirect(to: "/console/equipment/\(id)", flash: "equipmentPage.statusChanged", Self.statusText(changed.status, display))
            } catch let problem as Problem where problem.status == .conflict || problem.status == .unprocessableContent {
                return area.redirect(to: "/console/equipment/\(id)", flash: "equipmentPage.notChanged", problem.detail, error: true)
            }
        }
        return try await render(request, context: context, id: id, forms: forms, status: .unprocessableContent)
    }

    // MARK: Bookings (any member of staff)

    func book(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try equipmentId(context)
        let form = try await area.form(request, context: context.root)
        let display = area.display(request)
        let startLabel = display.text("equipmentPage.start")
        let endLabel = display.text("equipmentPage.end")
        let fields = [
            FieldProblems.Field(name: "start", anchor: "book-start", label: startLabel),
            FieldProblems.Field(name: "end", anchor: "book-end", label: endLabel),
        ]
        var forms = Forms()
        forms.booking.values["start"] = form["start"] ?? ""
        forms.booking.values["end"] = form["end"] ?? ""
        var times: [String: String] = [:]
        for field in fields {
            if let problem = form.problems[field.name] {
                forms.booking.add(field.name, anchor: field.anchor, label: field.label, message: problem)
            } else if let text = form[field.name] {
                if let stamp = Self.utcTimestamp(fromLocal: text) {
                    times[field.name] = stamp
                } else {
                    forms.booking.add(field.name, anchor: field.anchor, label: field.label, message: display.text("equipmentPage.timeInvalid"))
                }
            } else {
                forms.booking.add(field.name, anchor: field.anchor, label: field.label, message: display.text("form.required"))
            }
        }
        forms.week = times["start"].flatMap(DateFormats.parseTimestamp).map { Self.monday(of: $0) }
        if forms.booking.isEmpty {
            do {
                let booking = try await services.bookings.create(
                    equipmentId: id, BookingStore.NewBooking.make(start: times["start"], end: times["end"], jobId: nil), audit: context.audit
                )
                return area.redirect(
                    to: "/console/equipment/\(id)?week=\(DateFormats.formatDay(Self.monday(of: booking.start)))", flash: "equipmentPage.booked",
                    display.time(booking.start), display.time(booking.end)
                )
            } catch let problem as Problem where problem.status == .unprocessableContent {
                forms.booking.add(problem.errors, fields: fields, fallback: fields[0], display: display)
            } catch let problem as Problem where problem.status == .conflict {
                var message = display.text("equipmentPage.slotTaken")
                if case .object(let winner)? = problem.extensions["conflictingBooking"], case .string(let start)? = winner["start"],
                    case .string(let end)? = winner["end"], let from = DateFormats.parseTimestamp(start), let to = DateFormats.parseTimestamp(end)
                {
                    message = display.text("equipmentPage.slotTakenBetween", display.time(from), display.time(to))
                }
                forms.booking.add("start", anchor: "book-start", label: startLabel, message: message)
            } catch let problem as Problem where problem.status == .notFound {
                throw WebError.notFound
            }
        }
        return try await render(request, context: context, id: id, forms: forms, status: .unprocessableContent)
    }

    func cancelBooking(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try equipmentId(context)
        let bookingId = try equipmentId(context, "booking")
        _ = try await area.form(request, context: context.root)
        let week = request.uri.queryParameters["week"].map { "?week=\($0)" } ?? ""
        do {
            try await services.bookings.cancel(id: bookingId, by: context.staff, audit: context.audit)
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: "/console/equipment/\(id)\(week)", flash: "equipmentPage.notChanged", problem.detail, error: true)
        } catch let problem as Problem where problem.status == .forbidden {
            throw WebError.forbidden
        }
        return area.redirect(to: "/console/equipment/\(id)\(week)", flash: "equipmentPage.bookingCancelled")
    }

    // MARK: - Helpers

    static func statusText(_ status: EquipmentStatus, _ display: Display) -> String {
        display.text("equipmentPage.state.\(status.rawValue)")
    }

    static func statusClass(_ status: EquipmentStatus) -> String {
        switch status {
        case .inService: "tag tag-ok"
        case .outOfService: "tag tag-bad"
        case .retired: "tag"
        }
    }

    /// Why equipment may not be used today (empty when it may): its status, a missing or an overdue calibration.
    static func unusableReason(_ equipment: Equipment, today: String, display: Display) -> String {
        if equipment.usable { return "" }
        if equipment.status != .inService {
            let status = statusText(equipment.status, display)
            guard let reason = equipment.statusReason, !reason.isEmpty else { return status }
            return display.text("equipmentPage.statusWithReason", status, reason)
        }
        guard let calibration = equipment.latestCalibration else { return display.text("equipmentPage.reasonUncalibrated") }
        return calibration.dueOn < today ? display.text("equipmentPage.reasonOverdue", calibration.dueOn) : ""
    }

    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }

    /// The Monday (00:00 UTC) of the week of `date`.
    static func monday(of date: Date) -> Date {
        let day = utc.startOfDay(for: date)
        let weekday = utc.component(.weekday, from: day)  // 1 = Sunday
        return day.addingTimeInterval(-Double((weekday + 5) % 7) * 86_400)
    }

    /// `09:30` for a time on `day`, `12-01 09:30` for one on another day, `24:00` for the midnight that ends `day`.
    static func clock(_ time: Date, on day: Date) -> String {
        let parts = utc.dateComponents([.month, .day, .hour, .minute], from: time)
        let hm = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        if time == day.addingTimeInterval(86_400) { return "24:00" }
        if utc.isDate(time, inSameDayAs: day) { return hm }
        return String(format: "%02d-%02d ", parts.month ?? 0, parts.day ?? 0) + hm
    }

    /// A `datetime-local` value (`2026-12-01T09:30`, seconds optional) read as UTC, as RFC 3339; `nil` when it is not one.
    static func utcTimestamp(fromLocal text: String) -> String? {
        let pattern = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/#
        guard text.wholeMatch(of: pattern) != nil else { return nil }
        let stamp = text.count == 16 ? text + ":00Z" : text + "Z"
        return DateFormats.parseTimestamp(stamp) == nil ? nil : stamp
    }

    /// The DCC a calibration was imported from, byte for byte; 404 page when it was entered by hand.
    func calibrationDCC(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try context.uuid()
        guard let calibrationId = try? context.parameters.require("calibrationId", as: UUID.self),
              let dcc = try await services.equipment.calibrationDCC(equipmentId: id, calibrationId: calibrationId)
        else { throw WebError.notFound }
        return DocumentFormat.document(dcc, contentType: "application/vnd.ptb.dcc+xml; charset=utf-8")
    }
}
