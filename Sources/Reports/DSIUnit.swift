import Foundation

/// The D-SI notation (PTB's Digital SI) of the units Calibra records, for the Digital Calibration Certificate.
/// A unit outside the SI (bar, psi, litre) is converted to an SI unit with an exact stated factor; the certificate
/// keeps the recorded unit. A unit this table does not know has no conversion: signing refuses rather than guessing.
public struct DSIUnit: Sendable, Equatable {
    /// The D-SI unit, e.g. `\kilo\pascal`.
    public var unit: String
    /// Recorded value × factor = value in `unit` (1 for units already in the SI).
    public var factor: Decimal
    /// Which conversion was applied, stated in the DCC (e.g. `1 bar = 100 kPa`); nil when none.
    public var conversion: String?

    public init(unit: String, factor: Decimal, conversion: String?) {
        self.unit = unit
        self.factor = factor
        self.conversion = conversion
    }

    /// The D-SI form of a recorded unit, or nil when the converter does not know it.
    public static func of(_ recorded: String) -> DSIUnit? {
        let key = recorded.trimmingCharacters(in: .whitespaces)
        if let unit = si[key] { return DSIUnit(unit: unit, factor: 1, conversion: nil) }
        if let (unit, factor, text) = converted[key], let decimal = Decimal(string: factor, locale: Locale(identifier: "en_US_POSIX")) {
            return DSIUnit(unit: unit, factor: decimal, conversion: text)
        }
        return nil
    }

    /// A recorded decimal string in this unit (`"10.012"` bar → `"1001.2"` kPa); nil when it is not a number.
    public func convert(_ value: String) -> String? {
        let posix = Locale(identifier: "en_US_POSIX")
        guard let decimal = Decimal(string: value.trimmingCharacters(in: .whitespaces), locale: posix),
              value.trimmingCharacters(in: .whitespaces).range(of: #"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"#, options: .regularExpression) != nil
        else { return nil }
        if factor == 1 { return value.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "+", with: "") }
        var product = decimal * factor
        var rounded = Decimal()
        NSDecimalRound(&rounded, &product, 12, .plain)
        return "\(rounded)"
    }

    /// Units in the SI (or accepted for use with it, in D-SI's vocabulary), as written on records.
    static let si: [String: String] = [
        "Pa": "\\pascal", "kPa": "\\kilo\\pascal", "MPa": "\\mega\\pascal", "hPa": "\\hecto\\pascal",
        "°C": "\\degreecelsius", "℃": "\\degreecelsius", "degC": "\\degreecelsius", "K": "\\kelvin",
        "m": "\\metre", "mm": "\\milli\\metre", "cm": "\\centi\\metre", "µm": "\\micro\\metre", "μm": "\\micro\\metre", "um": "\\micro\\metre",
        "kg": "\\kilogram", "g": "\\gram", "mg": "\\milli\\gram",
        "N": "\\newton", "N·m": "\\newton\\metre", "N m": "\\newton\\metre", "Nm": "\\newton\\metre", "N.m": "\\newton\\metre",
        "V": "\\volt", "mV": "\\milli\\volt", "A": "\\ampere", "mA": "\\milli\\ampere", "Ω": "\\ohm", "ohm": "\\ohm", "W": "\\watt",
        "kWh": "\\kilo\\watt\\hour", "kW·h": "\\kilo\\watt\\hour", "m³": "\\cubic\\metre", "m3": "\\cubic\\metre",
        "s": "\\second", "Hz": "\\hertz", "%": "\\percent", "%RH": "\\percent", "1": "\\one", "": "\\one",
    ]

    /// Units outside the SI with an exact factor to an SI unit.
    static let converted: [String: (String, String, String)] = [
        "bar": ("\\kilo\\pascal", "100", "1 bar = 100 kPa"),
        "mbar": ("\\pascal", "100", "1 mbar = 100 Pa"),
        "psi": ("\\kilo\\pascal", "6.894757293168361", "1 psi = 6.894757293168361 kPa"),
        "L": ("\\cubic\\metre", "0.001", "1 L = 0.001 m³"),
        "l": ("\\cubic\\metre", "0.001", "1 L = 0.001 m³"),
        "mL": ("\\cubic\\metre", "0.000001", "1 mL = 0.000001 m³"),
        "t": ("\\kilogram", "1000", "1 t = 1000 kg"),
    ]
}
