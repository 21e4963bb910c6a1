import LIMSCore

/// The roles the API requires for each action, in one place, so a page hides exactly the buttons its server would
/// refuse (and refuses them anyway).
enum ConsoleRules {
    /// Contract review: accept or reject a submitted order.
    static let contractReview: [Role] = [.admin, .receptionist, .reviewer, .signatory]
    /// Receipt desk: receive, move, hold, resume, reject, return.
    static let receive: [Role] = [.admin, .receptionist]
    /// Claim and measure jobs.
    static let perform: [Role] = [.technician]
    /// Review submitted results.
    static let review: [Role] = [.reviewer]
    /// Sign certificates.
    static let sign: [Role] = [.signatory]
    /// Invoices, payments and credit notes.
    static let billing: [Role] = [.admin, .billing]
    /// Equipment register and calibrations.
    static let equipment: [Role] = [.admin]
}
