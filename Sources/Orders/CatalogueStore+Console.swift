import Foundation
import LIMSCore

extension CatalogueStore.NewService {
    /// A new service as a form states it (the console's admin pages); `create` validates every field.
    public static func stated(
        code: String?, title: String?, kind: String?, instrumentCategory: String?, quantity: String?, unit: String?, range: String?,
        method: String?, accredited: Bool?, price: Money?, turnaroundDays: Int?, expediteSurchargeBasisPoints: Int?, mpe: String?,
        decisionRule: String?, verificationPeriodMonths: Int?
    ) -> Self {
        Self(
            code: code, title: title, kind: kind, instrumentCategory: instrumentCategory, quantity: quantity, unit: unit, range: range, method: method,
            accredited: accredited, price: price, turnaroundDays: turnaroundDays, expediteSurchargeBasisPoints: expediteSurchargeBasisPoints, mpe: mpe,
            decisionRule: decisionRule, verificationPeriodMonths: verificationPeriodMonths
        )
    }
}
