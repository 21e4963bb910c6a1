import Foundation

extension ComponentInput {
    /// Checks this component and, when it is sound, builds its typed form.
    ///
    /// One pass does both so the rules cannot drift apart: every problem found is reported under `path`
    /// (e.g. `components[2]`), and the component is returned only when there are none.
    func validated(path: String) -> (component: UncertaintyComponent?, issues: [FieldIssue]) {
        var issues: [FieldIssue] = []
        func report(_ field: String?, _ message: String) {
            issues.append(FieldIssue(field: field.map { "\(path).\($0)" } ?? path, message: message))
        }

        let trimmedName = name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmedName.isEmpty { report("name", name == nil ? "is required" : "must not be empty") }

        let componentType = type.flatMap(ComponentType.init(rawValue:))
        if componentType == nil { report("type", type == nil ? "is required; use \"A\" or \"B\"" : "must be \"A\" or \"B\"") }

        let sensitivity = sensitivityCoefficient ?? 1
        if !sensitivity.isFinite { report("sensitivityCoefficient", "must be a finite number") }

        // +infinity is accepted as an explicit "exactly known"; zero, negative and NaN say nothing usable.
        if let degreesOfFreedom, degreesOfFreedom.isNaN || degreesOfFreedom <= 0 {
            report("degreesOfFreedom", "must be greater than zero")
        }

        let source = validatedSource(report: report)
        if let coverageFactor, !(coverageFactor.isFinite && coverageFactor > 0) {
            report("coverageFactor", "must be a finite number greater than zero")
        }

        guard issues.isEmpty, let componentType, let source else { return (nil, issues) }
        var component = UncertaintyComponent(
            name: trimmedName,
            type: componentType,
            sensitivityCoefficient: sensitivity,
            degreesOfFreedom: degreesOfFreedom ?? .infinity,
            source: source
        )
        if case .readings(let statistics) = source, degreesOfFreedom == nil {
            // n − 1 stands in only for a missing value: a client may know better (e.g. a pooled standard deviation).
            component.degreesOfFreedom = statistics.degreesOfFreedom
        }
        guard component.contribution.isFinite else {
            report("sensitivityCoefficient", "times the standard uncertainty exceeds the range of a double")
            return (nil, issues)
        }
        return (component, issues)
    }

    /// Checks the value source fields (exactly one source, each usable) and builds the typed source when possible.
    private func validatedSource(report: (String?, String) -> Void) -> UncertaintyComponent.Source? {
        let given = [
            standardUncertainty.map { _ in "standardUncertainty" },
            readings.map { _ in "readings" },
            halfWidth.map { _ in "halfWidth" },
            expandedUncertainty.map { _ in "expandedUncertainty" },
        ].compactMap { $0 }
        if given.isEmpty {
            report(nil, "needs exactly one value source: standardUncertainty, readings, halfWidth or expandedUncertainty")
        } else if given.count > 1 {
            report(nil, "has \(given.count) value sources (\(given.joined(separator: ", "))); give exactly one")
        }

        var source: UncertaintyComponent.Source?
        if let standardUncertainty {
            if isUsableMagnitude(standardUncertainty) {
                source = .standardUncertainty(standardUncertainty)
            } else {
                report("standardUncertainty", "must be a finite number, zero or greater")
            }
        }
        if let readings {
            source = validatedReadings(readings, report: report)
        }
        if let halfWidth {
            source = validatedHalfWidth(halfWidth, report: report)
        } else if distribution != nil {
            report("distribution", "applies only to a halfWidth")
        }
        if let expandedUncertainty {
            if !isUsableMagnitude(expandedUncertainty) {
                report("expandedUncertainty", "must be a finite number, zero or greater")
            }
            if coverageFactor == nil { report("coverageFactor", "is required with expandedUncertainty") }
            if let coverageFactor, isUsableMagnitude(expandedUncertainty), coverageFactor.isFinite, coverageFactor > 0 {
                source = .expandedUncertainty(expandedUncertainty, coverageFactor: coverageFactor)
            }
        } else if coverageFactor != nil, distribution != "normal" {
            // A stray factor most likely means the client meant a different source; silently ignoring it would hide that.
            report("coverageFactor", "applies only to expandedUncertainty or a normal halfWidth")
        }
        return given.count == 1 ? source : nil
    }

    private func validatedReadings(_ readings: [String], report: (String?, String) -> Void) -> UncertaintyComponent.Source? {
        let issues = ReadingStatistics.issues(for: readings, path: "readings").map { issue in
            // The value may well be numeric, just not sent as a string; say that rather than "not a decimal number".
            guard nonStringReadings.contains(where: { issue.field == "readings[\($0)]" }) else { return issue }
            return FieldIssue(field: issue.field, message: "must be a decimal number written as a JSON string")
        }
        for issue in issues { report(issue.field, issue.message) }
        guard issues.isEmpty else { return nil }
        return .readings(ReadingStatistics(parsed: readings.compactMap { DecimalString($0) }))
    }

    private func validatedHalfWidth(_ halfWidth: Double, report: (String?, String) -> Void) -> UncertaintyComponent.Source? {
        let usable = isUsableMagnitude(halfWidth)
        if !usable { report("halfWidth", "must be a finite number, zero or greater") }
        guard let distribution else {
            report("distribution", "is required with halfWidth; use one of \(Distribution.names.joined(separator: ", "))")
            return nil
        }
        guard Distribution.names.contains(distribution) else {
            report("distribution", "must be one of \(Distribution.names.joined(separator: ", "))")
            return nil
        }
        if distribution == "normal", coverageFactor == nil {
            report("coverageFactor", "is required for a normal distribution")
        }
        guard usable, let typed = Distribution(name: distribution, coverageFactor: coverageFactor) else { return nil }
        return .halfWidth(halfWidth, typed)
    }

    private func isUsableMagnitude(_ value: Double) -> Bool {
        value.isFinite && value >= 0
    }
}
