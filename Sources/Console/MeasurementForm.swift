import Certification
import Foundation
import LIMSCore
import Scheduling
import Uncertainty
import Web

/// One input of a page form, display-ready: its name (the API's JSON path, so the module's 422 names it exactly), a
/// stable id, the visible label, the value as typed, and the problem to show beside it.
struct FormField: Sendable {
    var name: String
    var id: String
    var label: String
    var value: String
    var error: String
    var invalid: Bool
    var textarea: Bool = false
    var select: Bool = false
    /// Shown under the label; `nil` for none (an empty string would still render the section).
    var hint: String?
    var options: [Option] = []

    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    init(name: String, label: String, value: String, errors: [String: String], textarea: Bool = false, hint: String = "") {
        self.name = name
        self.id = FormField.anchor(name)
        self.label = label
        self.value = value
        self.error = errors[name] ?? ""
        self.invalid = errors[name] != nil
        self.textarea = textarea
        self.hint = hint.isEmpty ? nil : hint
    }

    /// A select of `choices` (value, label), the current value selected.
    static func select(name: String, label: String, value: String, choices: [(String, String)], errors: [String: String]) -> FormField {
        var field = FormField(name: name, label: label, value: value, errors: errors)
        field.select = true
        field.options = choices.map { Option(value: $0.0, label: $0.1, selected: $0.0 == value) }
        return field
    }

    /// The element id of a field name: `points[0].budget[1].halfWidth` → `points-0-budget-1-halfWidth`.
    static func anchor(_ name: String) -> String {
        name.replacingOccurrences(of: "[", with: "-").replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: "-")
    }
}

/// One line of an error summary: a link to the field with its label and message.
struct SummaryError: Sendable {
    var anchor: String
    var label: String
    var message: String
}

/// The measurement form of a job: equipment, environment, points with readings and an uncertainty budget. It is
/// built from a saved record or from a posted form, and turned into the module's `MeasurementInput` (through the
/// API's own JSON shape, so the module validates it exactly as it validates the API).
struct MeasurementForm: Sendable {
    struct Equipment: Sendable {
        var id: String
        var fieldId: String
        var label: String
        var checked: Bool
        var usable: Bool
        var reason: String
    }

    struct BudgetRow: Sendable {
        var legend: String
        var component: FormField
        var type: FormField
        var standardUncertainty: FormField
        var expandedUncertainty: FormField
        var coverageFactor: FormField
        var halfWidth: FormField
        var distribution: FormField
        var degreesOfFreedom: FormField
    }

    struct Result: Sendable {
        var mean: String
        var error: String
        var uncertainty: String
        var decision: String
        var hasDecision: Bool
    }

    struct Point: Sendable {
        var index: Int
        var legend: String
        var quantity: String
        var unit: String
        var quantityName: String
        var unitName: String
        var nominal: FormField
        var reference: FormField
        var readings: FormField
        var resolution: FormField
        var mpe: FormField
        var budget: [BudgetRow]
        var budgetLegend: String
        var result: Result?
    }

    var equipment: [Equipment]
    var equipmentError: String
    var equipmentInvalid: Bool
    var temperature: FormField
    var humidity: FormField
    var points: [Point]
    var errors: [SummaryError]

    /// Rows of budget shown per point: filled ones plus empty ones to fill.
    static let spareBudgetRows = 2

    /// Raw values of the form, by field name, as typed or as saved.
    struct Values {
        var equipmentIds: Set<String> = []
        var temperature = ""
        var humidity = ""
        var points: [PointValues] = []
    }

    struct PointValues {
        var nominal = "", reference = "", readings = "", resolution = "", mpe = ""
        var budget: [[String: String]] = []
        var result: EvaluatedPoint?

        var isBlank: Bool {
            [nominal, reference, readings, resolution, mpe].allSatisfy { $0.trimmed().isEmpty }
                && budget.allSatisfy(MeasurementForm.isBlankRow)
        }
    }

    static let budgetKeys = ["name", "type", "standardUncertainty", "expandedUncertainty", "coverageFactor", "halfWidth", "distribution", "degreesOfFreedom"]

    static func isBlankRow(_ row: [String: String]) -> Bool {
        budgetKeys.filter { $0 != "type" && $0 != "distribution" }.allSatisfy { (row[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The values of a saved record (or an empty form with one point).
    static func values(from record: MeasurementRecord?) -> Values {
        guard let record else { return Values(points: [PointValues()]) }
        var values = Values()
        values.equipmentIds = Set(record.equipmentIds.map { $0.uuidString.lowercased() })
        values.temperature = record.environment.temperatureC?.text ?? ""
        values.humidity = record.environment.relativeHumidityPct?.text ?? ""
        values.points = record.points.map { point in
            PointValues(
                nominal: point.nominal, reference: point.reference, readings: point.readings.joined(separator: "\n"), resolution: point.resolution ?? "",
                mpe: point.mpe ?? "",
                budget: (point.budgetInput ?? []).map { input in
                    var row: [String: String] = ["name": input.name ?? "", "type": input.type ?? "B", "distribution": input.distribution ?? "rectangular"]
                    row["standardUncertainty"] = input.standardUncertainty.map(Self.number) ?? ""
                    row["expandedUncertainty"] = input.expandedUncertainty.map(Self.number) ?? ""
                    row["coverageFactor"] = input.coverageFactor.map(Self.number) ?? ""
                    row["halfWidth"] = input.halfWidth.map(Self.number) ?? ""
                    row["degreesOfFreedom"] = input.degreesOfFreedom.map(Self.number) ?? ""
                    return row
                },
                result: point
            )
        }
        if values.points.isEmpty { values.points = [PointValues()] }
        return values
    }

    /// The values of a posted form.
    static func values(from form: FormData) -> Values {
        var values = Values()
        values.equipmentIds = Set(form.all("equipmentIds").map { $0.lowercased() })
        values.temperature = form["environment.temperatureC"] ?? ""
        values.humidity = form["environment.relativeHumidityPct"] ?? ""
        values.points = form.indices(of: "points").prefix(50).map { index in
            let prefix = "points[\(index)]"
            var point = PointValues()
            point.nominal = form["\(prefix).nominal"] ?? ""
            point.reference = form["\(prefix).reference"] ?? ""
            point.readings = form.all("\(prefix).readings").first ?? ""
            point.resolution = form["\(prefix).resolution"] ?? ""
            point.mpe = form["\(prefix).mpe"] ?? ""
            point.budget = form.indices(of: "\(prefix).budget").prefix(30).map { row in
                Dictionary(uniqueKeysWithValues: budgetKeys.map { ($0, form["\(prefix).budget[\(row)].\($0)"] ?? "") })
            }
            return point
        }
        if values.points.isEmpty { values.points = [PointValues()] }
        return values
    }

    /// The module's input for `values`, with the form's own problems (numbers that are not numbers) by field name;
    /// `pointIndex` and `rowIndex` map the API's indices (blank points and rows are not sent) back to the form's.
    static func input(
        from values: Values, quantity: String, unit: String
    ) -> (input: JSONValue, problems: [String: String], pointIndex: [Int], rowIndex: [[Int]]) {
        var problems: [String: String] = [:]
        var points: [JSONValue] = []
        var pointIndex: [Int] = []
        var rowIndex: [[Int]] = []
        for (index, point) in values.points.enumerated() where !point.isBlank {
            let prefix = "points[\(index)]"
            var object: [String: JSONValue] = ["quantity": .string(quantity), "unit": .string(unit)]
            if !point.nominal.isEmpty { object["nominal"] = .string(point.nominal) }
            if !point.reference.isEmpty { object["reference"] = .string(point.reference) }
            object["readings"] = .array(
                point.readings.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { .string($0) }
            )
            if !point.resolution.isEmpty { object["resolution"] = .string(point.resolution) }
            if !point.mpe.isEmpty { object["mpe"] = .string(point.mpe) }
            var rows: [JSONValue] = []
            var sent: [Int] = []
            for (rowNumber, row) in point.budget.enumerated() where !isBlankRow(row) {
                var component: [String: JSONValue] = [:]
                for key in budgetKeys {
                    let text = (row[key] ?? "").trimmingCharacters(in: .whitespaces)
                    guard !text.isEmpty else { continue }
                    switch key {
                    case "name", "type", "distribution":
                        component[key] = .string(text)
                    default:
                        if let number = Double(text), number.isFinite {
                            component[key] = .number(number)
                        } else {
                            problems["\(prefix).budget[\(rowNumber)].\(key)"] = "must be a number"
                        }
                    }
                }
                // Only the distribution of a half-width matters; a distribution left at its default beside another form is dropped.
                if component["halfWidth"] == nil { component["distribution"] = nil }
                rows.append(.object(component))
                sent.append(rowNumber)
            }
            if !rows.isEmpty { object["budget"] = .array(rows) }
            points.append(.object(object))
            pointIndex.append(index)
            rowIndex.append(sent)
        }
        var environment: [String: JSONValue] = [:]
        if !values.temperature.isEmpty { environment["temperatureC"] = .string(values.temperature) }
        if !values.humidity.isEmpty { environment["relativeHumidityPct"] = .string(values.humidity) }
        let input: JSONValue = .object([
            "equipmentIds": .array(values.equipmentIds.sorted().map { .string($0) }),
            "environment": .object(environment),
            "points": .array(points),
        ])
        return (input, problems, pointIndex, rowIndex)
    }

    /// Renames an API field path (`points[1].budget[0].halfWidth`, `points[0].readings[2]`) to the form's field name.
    static func formName(of field: String, pointIndex: [Int], rowIndex: [[Int]]) -> String {
        guard field.hasPrefix("points[") else {
            return field.hasPrefix("equipmentIds") ? "equipmentIds" : field
        }
        let scanner = field.dropFirst("points[".count)
        guard let close = scanner.firstIndex(of: "]"), let apiPoint = Int(scanner[..<close]) else { return field }
        let point = apiPoint < pointIndex.count ? pointIndex[apiPoint] : apiPoint
        var rest = String(scanner[scanner.index(after: close)...])
        if rest.hasPrefix(".readings") { rest = ".readings" }
        if rest.hasPrefix(".budget["), apiPoint < rowIndex.count {
            let inner = rest.dropFirst(".budget[".count)
            if let end = inner.firstIndex(of: "]"), let apiRow = Int(inner[..<end]) {
                let row = apiRow < rowIndex[apiPoint].count ? rowIndex[apiPoint][apiRow] : apiRow
                rest = ".budget[\(row)]" + inner[inner.index(after: end)...]
            }
        }
        if rest.isEmpty || rest == ".budget" { rest = ".nominal" }
        return "points[\(point)]" + rest
    }

    static func number(_ value: Double) -> String {
        let text = String(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// The display form of `values` with `problems` (by field name) beside their fields and in the summary.
    init(
        values: Values, problems: [String: String], equipment: [Scheduling.Equipment], serviceCode: String, quantity: String, unit: String, display: Display
    ) {
        let text = display.text
        self.equipment = equipment.filter { $0.serviceCodes.contains(serviceCode) && $0.status != .retired }.map { item in
            let id = item.id.uuidString.lowercased()
            var reason = ""
            if !item.usable {
                if item.status != .inService {
                    reason = display.status("equipmentStatus", item.status.rawValue) + (item.statusReason.map { ": \($0)" } ?? "")
                } else if let due = item.latestCalibration?.dueOn {
                    reason = text("job.calibrationOverdue", due)
                } else {
                    reason = text("job.notCalibrated")
                }
            }
            return Equipment(
                id: id, fieldId: "equipment-\(id)", label: "\(item.assetTag) — \(item.name)", checked: item.usable && values.equipmentIds.contains(id),
                usable: item.usable, reason: reason
            )
        }
        self.equipmentError = problems["equipmentIds"] ?? problems.first { $0.key.hasPrefix("equipmentIds") }?.value ?? ""
        self.equipmentInvalid = !equipmentError.isEmpty
        self.temperature = FormField(name: "environment.temperatureC", label: text("job.temperature"), value: values.temperature, errors: problems)
        self.humidity = FormField(name: "environment.relativeHumidityPct", label: text("job.humidity"), value: values.humidity, errors: problems)
        let types = [("B", text("job.typeB")), ("A", text("job.typeA"))]
        let distributions = [("rectangular", text("job.rectangular")), ("triangular", text("job.triangular")), ("u-shaped", text("job.uShaped")),
                             ("normal", text("job.normal"))]
        self.points = values.points.enumerated().map { index, point in
            let prefix = "points[\(index)]"
            var rows = point.budget.filter { !MeasurementForm.isBlankRow($0) }
            rows += Array(repeating: [:], count: MeasurementForm.spareBudgetRows)
            let budget = rows.enumerated().map { number, row in
                let name = "\(prefix).budget[\(number)]"
                func field(_ key: String, _ label: String) -> FormField {
                    FormField(name: "\(name).\(key)", label: label, value: row[key] ?? "", errors: problems)
                }
                return BudgetRow(
                    legend: text("job.componentLegend", String(number + 1)),
                    component: field("name", text("job.component")),
                    type: .select(name: "\(name).type", label: text("job.type"), value: row["type"] ?? "B", choices: types, errors: problems),
                    standardUncertainty: field("standardUncertainty", text("job.standardUncertainty")),
                    expandedUncertainty: field("expandedUncertainty", text("job.expandedUncertainty")),
                    coverageFactor: field("coverageFactor", text("job.coverageFactor")),
                    halfWidth: field("halfWidth", text("job.halfWidth")),
                    distribution: .select(
                        name: "\(name).distribution", label: text("job.distribution"), value: row["distribution"] ?? "rectangular", choices: distributions,
                        errors: problems
                    ),
                    degreesOfFreedom: field("degreesOfFreedom", text("job.degreesOfFreedom"))
                )
            }
            let result = point.result.map { evaluated in
                Result(
                    mean: "\(evaluated.meanIndication) \(evaluated.unit)", error: "\(evaluated.error) \(evaluated.unit)",
                    uncertainty: text("job.uncertaintyValue", evaluated.reportedUncertainty, evaluated.unit, String(format: "%.2f", evaluated.coverageFactor)),
                    decision: evaluated.decision.map { display.status("decision", $0) } ?? "", hasDecision: evaluated.decision != nil
                )
            }
            return Point(
                index: index, legend: text("job.pointLegend", String(index + 1)), quantity: quantity, unit: unit,
                quantityName: "\(prefix).quantity", unitName: "\(prefix).unit",
                nominal: FormField(name: "\(prefix).nominal", label: text("job.nominal"), value: point.nominal, errors: problems, hint: unit),
                reference: FormField(name: "\(prefix).reference", label: text("job.reference"), value: point.reference, errors: problems, hint: unit),
                readings: FormField(
                    name: "\(prefix).readings", label: text("job.readings"), value: point.readings, errors: problems, textarea: true, hint: text("job.readingsHint")
                ),
                resolution: FormField(name: "\(prefix).resolution", label: text("job.resolution"), value: point.resolution, errors: problems, hint: unit),
                mpe: FormField(name: "\(prefix).mpe", label: text("job.mpe"), value: point.mpe, errors: problems, hint: text("job.mpeHint")),
                budget: budget, budgetLegend: text("job.budgetLegend", String(index + 1)), result: result
            )
        }
        // The summary lists every problem with a link to its field, in form order.
        var labels: [String: String] = [
            "equipmentIds": text("job.equipment"), "environment.temperatureC": text("job.temperature"), "environment.relativeHumidityPct": text("job.humidity"),
        ]
        for point in points {
            for field in [point.nominal, point.reference, point.readings, point.resolution, point.mpe] { labels[field.name] = "\(point.legend): \(field.label)" }
            for row in point.budget {
                for field in [row.component, row.type, row.standardUncertainty, row.expandedUncertainty, row.coverageFactor, row.halfWidth, row.distribution,
                              row.degreesOfFreedom] {
                    labels[field.name] = "\(point.legend), \(row.legend): \(field.label)"
                }
            }
        }
        let firstEquipment = self.equipment.first { $0.usable }?.fieldId ?? "equipment"
        self.errors = problems.sorted { $0.key < $1.key }.map { name, message in
            let anchor = name == "equipmentIds" ? firstEquipment : FormField.anchor(name)
            return SummaryError(anchor: anchor, label: labels[name] ?? name, message: message)
        }
    }
}
