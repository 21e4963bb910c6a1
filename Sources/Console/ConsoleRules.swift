import Billing
import Certification
import LIMSCore
import Orders
import Samples
import Scheduling

/// The roles each console action needs: the modules' own lists, which their API controllers enforce too, so a page
/// hides exactly the buttons the server would refuse (and refuses them anyway).
enum ConsoleRules {
    /// Contract review: accept or reject a submitted order.
    static let contractReview = OrderAccess.contractReview
    /// Receipt desk: receive, move, hold, resume, reject, return.
    static let receive = ReceiptAccess.custody
    /// Claim and measure jobs.
    static let perform = SchedulingAccess.perform
    /// Record and submit measurements.
    static let measure = CertificationAccess.measure
    /// Review submitted results.
    static let review = CertificationAccess.review
    /// Sign certificates.
    static let sign = CertificationAccess.sign
    /// Invoices, payments and credit notes.
    static let billing = BillingAccess.manage
    /// Equipment register and calibrations.
    static let equipment = SchedulingAccess.manageEquipment
}
