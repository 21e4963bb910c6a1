import Foundation
import LIMSCore
import LIMSTestSupport
import Testing

/// The staff console's register pages: `/console/instruments` with its filters, and an instrument's page with its history.
@Suite("Console instrument register")
struct ConsoleInstrumentTests {
    @Test func staffFilterTheRegisterAndOpenAnInstrumentWithItsHistory() async throws {
        try await TestLab.run { lab in
            let f = RegisterFixtures(lab: lab)
            let customer = try await lab.customer(code: "GAUGES")
            let late = try await f.instrument(customer.id, serial: "LATE-1", manufacturer: "Yichuan", model: "Y-60", mandatory: .safetyProtection)
            try await f.certificate(late, .pass, serviceOn: -400, validUntil: -12, imported: true)
            let fine = try await f.instrument(customer.id, serial: "FINE-1")
            try await f.certificate(fine, .pass, serviceOn: -10, validUntil: 300)
            let receptionist = try await lab.staff(["receptionist"])
            var browser = TestBrowser(api: lab.api)
            try await browser.signIn(lab, userId: receptionist.id)

            let all = try await browser.send(.get, "/console/instruments")
            #expect(all.status == .ok)
            #expect(all.text.contains("Instrument register"))
            #expect(all.text.contains("LATE-1") && all.text.contains("FINE-1"))
            let overdue = try await browser.send(.get, "/console/instruments?customer=\(customer.id.uuidString.lowercased())&status=overdue&mandatory=yes")
            #expect(overdue.text.contains("LATE-1") && !overdue.text.contains("FINE-1"))
            #expect(overdue.text.contains("<option value=\"overdue\" selected>"))
            let none = try await browser.send(.get, "/console/instruments?status=failed")
            #expect(none.text.contains("No instrument matches these filters."))

            let page = try await browser.send(.get, "/console/instruments/\(late.uuidString.lowercased())")
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>Yichuan Y-60 · LATE-1</h1>"))
            #expect(page.text.contains("Overdue") && page.text.contains("Safety protection"))
            #expect(page.text.contains("Issued elsewhere (imported)"))
            #expect(page.text.contains(RegisterFixtures.day(-12)))
            let chinese = try await browser.send(.get, "/console/instruments/\(fine.uuidString.lowercased())?lang=zh-Hans")
            #expect(chinese.text.contains("历史记录"))
            for path in ["/console/instruments/\(UUID())", "/console/instruments/not-a-uuid"] {
                #expect(try await browser.send(.get, path).status == .notFound, "\(path)")
            }
        }
    }
}
