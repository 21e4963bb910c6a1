import Accounts
import Certification
import Foundation
import Hummingbird
import LIMSCore
import Orders
import Samples
import Scheduling
import Uncertainty
import Web

/// `/console/jobs`: the queue with `Claim next job`; `/console/jobs/{id}`: the job, with the measurement form for its
/// holder, `Approve`/`Reject` for a reviewer who did not perform it, and the certificate preview with `Sign
/// certificate` for a signatory who did not perform it.
struct JobPages {
    let area: ConsoleArea
    let services: ConsoleServices

    static let templates = ["console/jobs/index", "console/jobs/show"]

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get("jobs", use: index)
        group.post("jobs/claim", use: claim)
        group.get("jobs/{id}", use: show)
        group.post("jobs/{id}/measurements", use: record)
        group.post("jobs/{id}/point-preview", use: pointPreview)
        group.post("jobs/{id}/review", use: review)
        group.get("jobs/{id}/certificate-preview", use: certificatePreview)
        group.post("jobs/{id}/sign", use: sign)
        group.post("jobs/{id}/release", use: release)
    }

    // MARK: The queue

    struct Row {
        var href: String
        var labNumber: String
        var service: String
        var state: String
        var due: String
        var expedited: Bool
        var held: Bool
        var holder: String
    }

    struct IndexModel {
        var rows: [Row]
        var states: [FormField.Option]
        var serviceOptions: [FormField.Option]
        var canClaim: Bool
        var nextHref: String?
        var claimService: String
    }

    func index(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let query = request.uri.queryParameters
        let state = query["state"].flatMap { JobState(rawValue: String($0)) }
        let catalogue = try await services.catalogue.list()
        let serviceCode = query["service"].map(String.init).flatMap { code in catalogue.contains { $0.code == code } ? code : nil }
        let page = (try? PageRequest(query: ["cursor": query["cursor"].map(String.init) ?? ""])) ?? PageRequest()
        let jobs = try await services.jobs.list(state: state ?? (query["state"] == "all" ? nil : .queued), serviceCode: serviceCode, page: page)
        let names = try await staffNames()
        var rows: [Row] = []
        for job in jobs.items {
            let item = try? await services.samples.item(id: job.itemId, scope: nil)
            rows.append(
                Row(
                    href: "/console/jobs/\(job.id.uuidString.lowercased())", labNumber: item?.number ?? "—",
                    service: "\(job.serviceCode) · \(catalogue.first { $0.code == job.serviceCode }?.title ?? "")", state: display.status("job", job.state.rawValue),
                    due: job.dueOn, expedited: job.priority == .expedited, held: job.held, holder: job.holderId.flatMap { names[$0] } ?? ""
                )
            )
        }
        let chosenState = state?.rawValue ?? (query["state"] == "all" ? "all" : "queued")
        let states = [FormField.Option(value: "all", label: display.text("jobs.allStates"), selected: chosenState == "all")]
            + JobState.allCases.map { FormField.Option(value: $0.rawValue, label: display.status("job", $0.rawValue), selected: $0.rawValue == chosenState) }
        let serviceOptions = [FormField.Option(value: "", label: display.text("jobs.allServices"), selected: serviceCode == nil)]
            + catalogue.map { FormField.Option(value: $0.code, label: "\($0.code) · \($0.title)", selected: $0.code == serviceCode) }
        var next: String?
        if let cursor = jobs.nextCursor {
            next = "/console/jobs?state=\(chosenState)&service=\(serviceCode ?? "")&cursor=\(cursor)"
        }
        let model = IndexModel(
            rows: rows, states: states, serviceOptions: serviceOptions, canClaim: context.has(.technician), nextHref: next, claimService: serviceCode ?? ""
        )
        return try area.page("console/jobs/index", titleKey: "jobs.title", model: model, request: request, context: context.root)
    }

    func claim(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.perform)
        let form = try await area.form(request, context: context.root)
        let codes = form["service"].map { [$0] }
        guard let job = try await services.jobs.claim(userId: context.staff.id, serviceCodes: codes, audit: context.audit) else {
            return area.redirect(to: "/console/jobs", flash: "jobs.nothingToClaim", error: true)
        }
        return area.redirect(to: "/console/jobs/\(job.id.uuidString.lowercased())", flash: "jobs.claimed", job.serviceCode)
    }

    // MARK: The job

    struct Review {
        var decision: String
        var approved: Bool
        var comment: String?
        var reviewer: String
        var at: String
    }

    struct ShowModel {
        var id: String
        var heading: String
        var facts: [Fact]
        var isHolder: Bool
        var form: MeasurementForm?
        var previewURL: String
        var hasResults: Bool
        var results: [MeasurementForm.Point]
        var environment: String
        var equipmentUsed: String
        var reviews: [Review]
        var canReview: Bool
        var reviewComment: FormField
        var reviewErrors: [SummaryError]
        var canSign: Bool
        var previewText: String
        var previewProblem: String?
        var previewDetails: [String]
        var canRelease: Bool
        var performerNote: String?
    }


    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        try await render(request, context: context, id: try context.uuid(), values: nil, problems: [:])
    }

    func render(
        _ request: Request, context: ConsoleContext, id: UUID, values: MeasurementForm.Values?, problems: [String: String],
        reviewComment: String = "", reviewProblems: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let display = area.display(request)
        guard let job = try await services.jobs.job(id: id) else { throw WebError.notFound }
        let item = try await services.samples.item(id: job.itemId, scope: nil)
        guard let service = try await services.catalogue.service(code: job.serviceCode) else { throw WebError.notFound }
        let record = try await services.measurements.record(jobId: id)
        let names = try await staffNames()
        let me = context.staff
        let performer = record?.performerId
        let isHolder = job.state == .claimed && job.holderId == me.id && context.has(.technician)
        let canReview = job.state == .inReview && context.has(.reviewer) && performer != me.id && performer != nil
        let canSign = job.state == .awaitingSignature && context.has(.signatory) && performer != me.id && performer != nil
        let equipment = try await services.equipment.list(status: nil, dueWithinDays: nil, page: PageRequest(limit: 500)).items

        var facts = [
            Fact(label: display.text("job.labNumber"), value: item.number ?? "—", href: "/console/items/\(item.id.uuidString.lowercased())"),
            Fact(label: display.text("job.service"), value: "\(service.code) · \(service.title)", href: nil),
            Fact(label: display.text("job.method"), value: service.method, href: nil),
            Fact(
                label: display.text("job.instrument"),
                value: "\(item.instrument.manufacturer) \(item.instrument.model) · \(display.text("job.serial")) \(item.instrument.serialNumber)", href: nil
            ),
            Fact(label: display.text("job.order"), value: item.orderNumber, href: "/console/orders/\(item.orderId.uuidString.lowercased())"),
            Fact(label: display.text("job.state"), value: display.status("job", job.state.rawValue) + (job.held ? " · \(display.text("job.onHold"))" : ""), href: nil),
            Fact(label: display.text("job.priority"), value: display.status("priority", job.priority.rawValue), href: nil),
            Fact(label: display.text("job.due"), value: job.dueOn, href: nil),
        ]
        if let holder = job.holderId { facts.append(Fact(label: display.text("job.holder"), value: names[holder] ?? "", href: nil)) }
        if let performer { facts.append(Fact(label: display.text("job.performer"), value: names[performer] ?? "", href: nil)) }

        var form: MeasurementForm?
        if isHolder {
            form = MeasurementForm(
                values: values ?? MeasurementForm.values(from: record), problems: problems, equipment: equipment, serviceCode: service.code,
                quantity: service.quantity, unit: service.unit, display: display
            )
        }
        var results: [MeasurementForm.Point] = []
        if let record, !isHolder {
            results = MeasurementForm(
                values: MeasurementForm.values(from: record), problems: [:], equipment: [], serviceCode: service.code, quantity: service.quantity,
                unit: service.unit, display: display
            ).points
        }
        let environment = record.map {
            display.text("job.environmentValue", $0.environment.temperatureC?.text ?? "—", $0.environment.relativeHumidityPct?.text ?? "—")
        } ?? ""
        let used = record.map { record in
            record.equipmentIds.compactMap { id in equipment.first { $0.id == id }.map { "\($0.assetTag) — \($0.name)" } }.joined(separator: "; ")
        } ?? ""
        let reviews = try await services.certification.reviews(jobId: id).map { entry in
            Review(
                decision: display.status("review", entry.decision.rawValue), approved: entry.decision == .approve, comment: entry.comment.flatMap { $0.isEmpty ? nil : $0 },
                reviewer: names[entry.reviewerId] ?? "", at: display.time(entry.at)
            )
        }
        var previewText = ""
        var previewProblem: String?
        var previewDetails: [String] = []
        if canSign {
            do {
                previewText = try await services.certification.preview(jobId: id, by: me).text
            } catch let problem as Problem {
                previewProblem = problem.detail
                previewDetails = problem.errors.map { "\($0.field): \($0.message)" }
            }
        }
        var commentField = FormField(name: "comment", label: display.text("job.comment"), value: reviewComment, errors: reviewProblems, textarea: true)
        commentField.hint = display.text("job.commentHint")
        let model = ShowModel(
            id: id.uuidString.lowercased(), heading: display.text("job.heading", item.number ?? service.code), facts: facts, isHolder: isHolder, form: form,
            previewURL: "/console/jobs/\(id.uuidString.lowercased())/point-preview", hasResults: !results.isEmpty, results: results,
            environment: environment, equipmentUsed: used, reviews: reviews, canReview: canReview, reviewComment: commentField,
            reviewErrors: reviewProblems.map { SummaryError(anchor: FormField.anchor($0.key), label: display.text("job.comment"), message: $0.value) },
            canSign: canSign, previewText: previewText, previewProblem: previewProblem, previewDetails: previewDetails,
            canRelease: job.state == .claimed && (job.holderId == me.id || context.has(.admin)),
            performerNote: performer == me.id && (job.state == .inReview || job.state == .awaitingSignature) ? display.text("job.fourEyes") : nil
        )
        return try area.page("console/jobs/show", titleKey: "job.title", model: model, request: request, context: context.root, status: status)
    }

    // MARK: Measurements

    func record(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.measure)
        let id = try context.uuid()
        let form = try await area.form(request, context: context.root)
        var values = MeasurementForm.values(from: form)
        let action = form["action"] ?? "save"
        if action == "addPoint" {
            values.points.append(.init())
            return try await render(request, context: context, id: id, values: values, problems: [:])
        }
        guard let job = try await services.jobs.job(id: id) else { throw WebError.notFound }
        guard let service = try await services.catalogue.service(code: job.serviceCode) else { throw WebError.notFound }
        let built = MeasurementForm.input(from: values, quantity: service.quantity, unit: service.unit)
        var problems = built.problems
        for (name, reason) in form.problems { problems[name] = reason }
        do {
            let input = try JSONDecoder().decode(MeasurementInput.self, from: JSONValue.encoder.encode(built.input))
            if !problems.isEmpty {
                // The form's own problems (a number that is none) were left out of the input; the module still names
                // every other problem, so the person sees them all at once.
                let extra = problems.map { LIMSCore.FieldIssue(field: $0.key, message: $0.value) }
                try await services.measurements.check(jobId: id, input: input, by: context.staff, extra: extra)
            } else {
                _ = try await services.measurements.save(jobId: id, input: input, by: context.staff, audit: context.audit)
                if action == "submit" {
                    _ = try await services.measurements.submit(jobId: id, by: context.staff, audit: context.audit)
                    return area.redirect(to: "/console/jobs/\(id.uuidString.lowercased())", flash: "job.submitted")
                }
                return area.redirect(to: "/console/jobs/\(id.uuidString.lowercased())", flash: "job.saved")
            }
        } catch let problem as Problem where problem.status == .unprocessableContent {
            for issue in problem.errors {
                // The extra problems come back under the form's own names; the module's under the API's paths.
                let name = problems[issue.field] != nil ? issue.field : MeasurementForm.formName(of: issue.field, pointIndex: built.pointIndex, rowIndex: built.rowIndex)
                if problems[name] == nil { problems[name] = issue.message }
            }
            if problem.errors.isEmpty { problems["points[0].nominal"] = problem.detail }
        } catch let problem as Problem where problem.status == .conflict || problem.status == .forbidden {
            return area.redirect(to: "/console/jobs/\(id.uuidString.lowercased())", flash: "job.notSaved", problem.detail, error: true)
        }
        return try await render(request, context: context, id: id, values: values, problems: problems, status: .unprocessableContent)
    }

    /// The live preview of one point while the technician types (the script posts the point's fields): a line of
    /// plain text with the mean, error, U and decision, or the first problem. Nothing is stored.
    func pointPreview(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.measure)
        let display = area.display(request)
        guard let job = try await services.jobs.job(id: try context.uuid()), let service = try await services.catalogue.service(code: job.serviceCode)
        else { throw WebError.notFound }
        let form = try await area.form(request, context: context.root)
        let prefixed = FormData(fields: form.fields.map { ("points[0].\($0.name)", $0.value) })
        var values = MeasurementForm.values(from: prefixed)
        values.equipmentIds = []
        let built = MeasurementForm.input(from: values, quantity: service.quantity, unit: service.unit)
        var line = ""
        if let problem = built.problems.first {
            line = "\(problem.key.split(separator: ".").last ?? ""): \(problem.value)"
        } else if case .object(let input) = built.input, case .array(let points)? = input["points"], let first = points.first,
            let point = try? JSONDecoder().decode(MeasurementInput.Point.self, from: JSONValue.encoder.encode(first))
        {
            let rule = DecisionRule(rawValue: service.decisionRule.rawValue) ?? .simple
            let (evaluated, issues) = MeasurementStore.evaluate(point: point, serviceMPE: service.mpe, rule: rule)
            if let evaluated {
                line = display.text(
                    "job.previewLine", "\(evaluated.meanIndication) \(evaluated.unit)", "\(evaluated.error) \(evaluated.unit)",
                    "\(evaluated.reportedUncertainty) \(evaluated.unit)", String(format: "%.2f", evaluated.coverageFactor)
                )
                if let decision = evaluated.decision { line += " · " + display.status("decision", decision) }
            } else if let issue = issues.first {
                line = "\(issue.field.split(separator: ".").last ?? ""): \(issue.message)"
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        WebHeaders.apply(to: &headers)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: line)))
    }

    // MARK: Review and signing

    func review(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.review)
        let id = try context.uuid()
        let form = try await area.form(request, context: context.root)
        let comment = form["comment"]
        let decision: ReviewAndSigning.Decision = form["decision"] == "reject" ? .reject : .approve
        do {
            _ = try await services.certification.review(jobId: id, decision: decision, comment: comment, by: context.staff, audit: context.audit)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            let problems = Dictionary(problem.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
            return try await render(
                request, context: context, id: id, values: nil, problems: [:], reviewComment: comment ?? "", reviewProblems: problems,
                status: .unprocessableContent
            )
        }
        return area.redirect(to: "/console/jobs/\(id.uuidString.lowercased())", flash: decision == .approve ? "job.approved" : "job.sentBack")
    }

    func certificatePreview(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.sign)
        let preview = try await services.certification.preview(jobId: try context.uuid(), by: context.staff)
        return DocumentFormat.html.response(preview.html)
    }

    func sign(_ request: Request, context: ConsoleContext) async throws -> Response {
        try context.require(ConsoleRules.sign)
        let id = try context.uuid()
        do {
            let certificate = try await services.certification.sign(jobId: id, by: context.staff, audit: context.audit)
            return area.redirect(to: "/console/certificates/\(certificate.id.uuidString.lowercased())", flash: "job.signed", certificate.number)
        } catch let problem as Problem where problem.status == .conflict || problem.status == .serviceUnavailable {
            return area.redirect(to: "/console/jobs/\(id.uuidString.lowercased())", flash: "job.notSigned", problem.detail, error: true)
        }
    }

    func release(_ request: Request, context: ConsoleContext) async throws -> Response {
        let id = try context.uuid()
        do {
            _ = try await services.jobs.release(jobId: id, by: context.staff, audit: context.audit)
        } catch let problem as Problem where problem.status == .conflict {
            return area.redirect(to: "/console/jobs/\(id.uuidString.lowercased())", flash: "job.notSaved", problem.detail, error: true)
        }
        return area.redirect(to: "/console/jobs", flash: "job.released")
    }

    func staffNames() async throws -> [UUID: String] {
        var names: [UUID: String] = [:]
        var cursor: String?
        repeat {
            let page = try await services.staff.list(page: PageRequest(limit: 500, cursor: cursor))
            for user in page.items { names[user.id] = user.name }
            cursor = page.nextCursor
        } while cursor != nil && names.count < 5_000
        return names
    }
}
