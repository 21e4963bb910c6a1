import Foundation
import LIMSCore

/// Management reports: reads only the `report_*` views the owning modules publish (their reporting interface), never
/// another module's tables, and owns no tables of its own.
public struct ManagementStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Today's date in UTC (`YYYY-MM-DD`), the day every report counts from unless told `asOf`.
    public static func today(_ now: Date = Date()) -> String { DateFormats.formatDay(now) }
}
