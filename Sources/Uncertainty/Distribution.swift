/// The probability distribution assumed for a component stated as a half-width ±a (GUM 4.3.7 – 4.3.9).
///
/// Each turns the half-width into a standard uncertainty by its own divisor; the normal case needs the coverage
/// factor the half-width was stated with, so it carries it.
public enum Distribution: Sendable, Equatable {
    /// Equal probability anywhere in ±a: u = a/√3 (GUM 4.3.7).
    case rectangular
    /// Values near the centre more likely: u = a/√6 (GUM 4.3.9).
    case triangular
    /// Values near the limits more likely, e.g. a sinusoidal quantity: u = a/√2.
    case uShaped
    /// ±a is an expanded uncertainty stated with coverage factor k: u = a/k.
    case normal(coverageFactor: Double)

    /// The names accepted in JSON, in the order error messages list them.
    public static let names = ["rectangular", "triangular", "u-shaped", "normal"]

    /// Builds a distribution from its JSON name; `nil` for an unknown name or a normal one without a usable factor.
    public init?(name: String, coverageFactor: Double?) {
        switch name {
        case "rectangular": self = .rectangular
        case "triangular": self = .triangular
        case "u-shaped": self = .uShaped
        case "normal":
            guard let coverageFactor, coverageFactor.isFinite, coverageFactor > 0 else { return nil }
            self = .normal(coverageFactor: coverageFactor)
        default: return nil
        }
    }

    /// The JSON name of the distribution.
    public var name: String {
        switch self {
        case .rectangular: "rectangular"
        case .triangular: "triangular"
        case .uShaped: "u-shaped"
        case .normal: "normal"
        }
    }

    /// What the half-width is divided by to get the standard uncertainty.
    public var divisor: Double {
        switch self {
        case .rectangular: 3.0.squareRoot()
        case .triangular: 6.0.squareRoot()
        case .uShaped: 2.0.squareRoot()
        case .normal(let coverageFactor): coverageFactor
        }
    }

    /// The standard uncertainty of a quantity known to lie within ±`halfWidth` under this distribution.
    public func standardUncertainty(halfWidth: Double) -> Double {
        halfWidth / divisor
    }
}
