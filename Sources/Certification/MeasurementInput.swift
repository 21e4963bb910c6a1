import Foundation
import LIMSCore
import Uncertainty

/// The body of `PUT /v1/jobs/{id}/measurements`, decoded leniently so validation names every bad field.
public struct MeasurementInput: Decodable, Sendable {
    public struct Environment: Codable, Sendable, Equatable {
        public var temperatureC: DecimalInput?
        public var relativeHumidityPct: DecimalInput?
    }

    public struct Point: Decodable, Sendable {
        public var quantity: String?
        public var unit: String?
        public var nominal: String?
        public var reference: String?
        public var readings: [String]?
        public var resolution: String?
        public var mpe: String?
        public var budget: [ComponentInput]?
    }

    public var equipmentIds: [String]?
    public var environment: Environment?
    public var points: [Point]?
}

/// What the server derives for one measurement point, stored with the draft and frozen into the certificate.
public struct EvaluatedPoint: Codable, Sendable, Equatable {
    public var quantity: String
    public var unit: String
    public var nominal: String
    public var reference: String
    public var readings: [String]
    public var resolution: String?
    public var meanIndication: String
    /// Mean indication − reference value, at the mean's resolution.
    public var error: String
    public var combinedStandardUncertainty: Double
    public var effectiveDegreesOfFreedom: Double?
    public var coverageFactor: Double
    public var coverageProbability: Double
    public var expandedUncertainty: Double
    /// U as stated: at most two significant digits, rounded up (GUM 7.2.6).
    public var reportedUncertainty: String
    public var mpe: String?
    public var decision: String?
    public var budget: BudgetResult
    /// The technician's own budget rows as entered (before repeatability and resolution were added), so a draft can
    /// be shown again for editing exactly as it was typed. Absent on records saved before it was kept.
    public var budgetInput: [ComponentInput]?
}

/// Derives every point of a measurement through the uncertainty module: the repeatability (Type A from the
/// readings) and, when given, the resolution join the technician's budget.
enum PointEvaluator {
    static let coverageProbability = 0.9545

    static func evaluate(
        _ points: [MeasurementInput.Point]?, serviceMPE: String?, rule: DecisionRule, validator: inout Validator
    ) -> [EvaluatedPoint] {
        guard let points, !points.isEmpty else {
            validator.add("points", "must list at least one measurement point")
            return []
        }
        var evaluated: [EvaluatedPoint] = []
        for (index, point) in points.enumerated() {
            let path = "points[\(index)]"
            let quantity = validator.requireText(point.quantity, "\(path).quantity", maxLength: 100)
            let unit = validator.requireText(point.unit, "\(path).unit", maxLength: 50)
            let nominal = decimal(point.nominal, "\(path).nominal", &validator)
            let reference = decimal(point.reference, "\(path).reference", &validator)
            if let resolution = point.resolution {
                validator.check(DecimalString(resolution).map { $0.value > 0 } == true, "\(path).resolution", "must be a positive decimal string")
            }
            let mpeText = point.mpe ?? serviceMPE
            if let mpe = point.mpe {
                validator.check(DecimalString(mpe).map { $0.value > 0 } == true, "\(path).mpe", "must be a positive decimal string")
            }
            let statistics: ReadingStatistics?
            do {
                statistics = try ReadingStatistics(readings: point.readings ?? [])
            } catch {
                validator.add(contentsOf: error.issues.map { FieldIssue(field: "\(path).\($0.field.isEmpty ? "readings" : $0.field)", message: $0.message) })
                statistics = nil
            }
            var components = point.budget ?? []
            if let statistics {
                components.insert(
                    ComponentInput(name: "repeatability", type: "A", degreesOfFreedom: statistics.degreesOfFreedom,
                                   standardUncertainty: statistics.standardUncertainty),
                    at: 0
                )
            }
            if let resolution = point.resolution, let value = DecimalString(resolution)?.value {
                components.append(
                    ComponentInput(name: "resolution", type: "B", halfWidth: NSDecimalNumber(decimal: value / 2).doubleValue, distribution: "rectangular")
                )
            }
            let budgetOffset = statistics == nil ? 0 : 1
            let budget: BudgetResult?
            do {
                budget = try BudgetRequest(coverageProbability: coverageProbability, components: components).evaluate()
            } catch {
                validator.add(contentsOf: error.issues.map { issue in
                    FieldIssue(field: "\(path).budget" + shifted(issue.field, by: budgetOffset), message: issue.message)
                })
                budget = nil
            }
            guard let statistics, let budget, let nominal, let reference,
                  let reported = ReportedUncertainty(expandedUncertainty: budget.expandedUncertainty)
            else { continue }
            let errorValue = statistics.mean - reference.value
            let error = DecimalFormatting.string(errorValue, decimalPlaces: statistics.readingDecimalPlaces + 1)
            var decision: String?
            if let mpeText, let mpe = DecimalString(mpeText)?.value {
                decision = Conformity.decide(measuredError: errorValue, mpe: mpe, expandedUncertainty: reported.value, rule: rule).rawValue
            }
            evaluated.append(
                EvaluatedPoint(
                    quantity: quantity, unit: unit, nominal: nominal.text, reference: reference.text,
                    readings: point.readings ?? [], resolution: point.resolution, meanIndication: statistics.meanText, error: error,
                    combinedStandardUncertainty: budget.combinedStandardUncertainty, effectiveDegreesOfFreedom: budget.effectiveDegreesOfFreedom.isFinite ? budget.effectiveDegreesOfFreedom : nil,
                    coverageFactor: budget.coverageFactor, coverageProbability: budget.coverageProbability,
                    expandedUncertainty: budget.expandedUncertainty, reportedUncertainty: reported.text, mpe: mpeText, decision: decision, budget: budget,
                    budgetInput: point.budget
                )
            )
        }
        return evaluated
    }

    static func decimal(_ text: String?, _ field: String, _ validator: inout Validator) -> (text: String, value: Decimal)? {
        guard let text else {
            validator.add(field, "is required")
            return nil
        }
        guard let parsed = DecimalString(text) else {
            validator.add(field, "must be a decimal string such as \"100.20\"")
            return nil
        }
        return (text, parsed.value)
    }

    /// `components[2].halfWidth` of the evaluated budget is `[1].halfWidth` of the technician's (repeatability went first).
    static func shifted(_ field: String, by offset: Int) -> String {
        guard field.hasPrefix("components["), let close = field.firstIndex(of: "]"),
              let index = Int(field[field.index(field.startIndex, offsetBy: 11)..<close])
        else { return "" }
        return "[\(index - offset)]" + field[field.index(after: close)...]
    }
}
