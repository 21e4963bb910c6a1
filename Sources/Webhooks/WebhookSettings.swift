import Foundation

/// How webhooks are delivered: the knobs of CONTRACT.md (`LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS`,
/// `LIMS_WEBHOOK_RETRY_SCHEDULE`) and the worker's own pacing.
public struct WebhookSettings: Sendable {
    /// `LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1`: endpoints on loopback and private addresses, and `http://`, are allowed.
    public var allowPrivateNetworks: Bool
    /// The wait before each retry (`LIMS_WEBHOOK_RETRY_SCHEDULE`): a failed first attempt is retried after the first step,
    /// and so on; an attempt failing after the last step disables the endpoint.
    public var retrySchedule: [Duration]
    /// A spread of ± this fraction around each step, so endpoints that failed together are not all retried at once.
    public var jitter: Double = 0.2
    /// An attempt answered with anything but 2xx within this time has failed.
    public var timeout: Duration = .seconds(15)
    /// How long a claimed attempt is held before another instance may take it over (an instance killed mid-send
    /// leaves its lease to expire). Longer than the timeout, so a live instance always finishes first.
    public var lease: Duration = .seconds(60)
    /// How long an idle worker waits before looking for work again.
    public var pollInterval: Duration = .milliseconds(500)
    /// Concurrent delivery lanes per instance, and attempts each lane claims at once.
    public var lanes: Int = 4
    public var batchSize: Int = 16

    public static let defaultSchedule: [Duration] = [.seconds(5), .seconds(300), .seconds(1_800), .seconds(7_200), .seconds(18_000), .seconds(36_000), .seconds(36_000)]
    public static let defaultScheduleText = "5s,5m,30m,2h,5h,10h,10h"

    public init(allowPrivateNetworks: Bool = false, retrySchedule: [Duration] = WebhookSettings.defaultSchedule) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.retrySchedule = retrySchedule
    }

    /// A schedule as the knob writes it: comma-separated durations (`5s,5m,30m`); nil when any step is not one.
    public static func parseSchedule(_ text: String) -> [Duration]? {
        var steps: [Duration] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let step = DurationParser.parse(String(part)) else { return nil }
            steps.append(step)
        }
        return steps.isEmpty ? nil : steps
    }

    /// The wait before the retry that follows attempt `attempt` (1-based), with jitter; nil when the schedule is spent.
    func retryDelay(after attempt: Int) -> Duration? {
        guard attempt >= 1, attempt <= retrySchedule.count else { return nil }
        let step = Double(retrySchedule[attempt - 1].components.seconds) + Double(retrySchedule[attempt - 1].components.attoseconds) / 1e18
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
        return .milliseconds(Int64((step * factor * 1000).rounded()))
    }
}

/// `45s`, `5m`, `2h`, `7d` or plain seconds, as LIMSCore's DurationText reads them, plus `ms` for short test schedules.
enum DurationParser {
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("ms"), let value = Int64(trimmed.dropLast(2)), value >= 0 { return .milliseconds(value) }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let last = trimmed.last else { return nil }
        let unit = units[last] ?? 1
        let digits = last.isLetter ? trimmed.dropLast() : Substring(trimmed)
        guard last.isLetter ? units[last] != nil : true, !digits.isEmpty, let value = Int64(digits), value >= 0 else { return nil }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : .seconds(seconds)
    }
}
