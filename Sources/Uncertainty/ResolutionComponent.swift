/// Builds the usual Type B component for the finite resolution of an indicating instrument (GUM F.2.2.1).
///
/// A reading shown with resolution δ could be anywhere within ±δ/2 of the displayed value, all positions equally
/// likely, hence a rectangular distribution with half-width δ/2 and u = δ/(2√3).
public enum ResolutionComponent {
    /// The half-width of the rectangular distribution for resolution `resolution` (δ/2).
    public static func halfWidth(resolution: Double) -> Double {
        resolution / 2
    }

    /// A ready-made Type B component for resolution `resolution`, sensitivity `sensitivityCoefficient`.
    public static func component(
        name: String = "resolution",
        resolution: Double,
        sensitivityCoefficient: Double = 1
    ) -> UncertaintyComponent {
        UncertaintyComponent(
            name: name,
            type: .b,
            sensitivityCoefficient: sensitivityCoefficient,
            degreesOfFreedom: .infinity,
            source: .halfWidth(halfWidth(resolution: resolution), .rectangular)
        )
    }
}
