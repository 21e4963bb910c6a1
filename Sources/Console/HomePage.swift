import Foundation
import Hummingbird
import LIMSCore
import Orders
import Scheduling
import Web

/// `/console`: the signed-in person's work: jobs they hold, jobs awaiting their review or signature, items waiting
/// at receipt, reference equipment falling due within 30 days. Each list shows what the person's roles open.
struct HomePage {
    let area: ConsoleArea
    let services: ConsoleServices

    struct JobRow {
        var href: String
        var service: String
        var due: String
        var state: String
        var expedited: Bool
    }

    struct ItemRow {
        var orderHref: String
        var orderNumber: String
        var service: String
        var instrument: String
    }

    struct EquipmentRow {
        var href: String
        var assetTag: String
        var name: String
        var dueOn: String
    }

    struct Model {
        var greeting: String
        var held: [JobRow]
        var showReview: Bool
        var toReview: [JobRow]
        var showSigning: Bool
        var toSign: [JobRow]
        var showReceipt: Bool
        var awaitingReceipt: [ItemRow]
        var equipmentDue: [EquipmentRow]
    }

    func addRoutes(to group: RouterGroup<ConsoleContext>) {
        group.get(use: show)
    }

    func show(_ request: Request, context: ConsoleContext) async throws -> Response {
        let display = area.display(request)
        let me = context.staff
        func rows(_ jobs: [Job]) -> [JobRow] {
            jobs.map {
                JobRow(
                    href: "/console/jobs/\($0.id)", service: $0.serviceCode, due: $0.dueOn, state: display.status("job", $0.state.rawValue),
                    expedited: $0.priority == .expedited
                )
            }
        }
        let held = try await services.jobs.list(state: .claimed, serviceCode: nil, holderId: me.id, page: PageRequest(limit: 50)).items
        var toReview: [Job] = []
        if context.has(.reviewer) {
            toReview = try await services.jobs.list(state: .inReview, serviceCode: nil, page: PageRequest(limit: 50)).items.filter { $0.holderId != me.id }
        }
        var toSign: [Job] = []
        if context.has(.signatory) {
            toSign = try await services.jobs.list(state: .awaitingSignature, serviceCode: nil, page: PageRequest(limit: 50)).items
        }
        var awaiting: [ItemRow] = []
        if context.has(.admin, .receptionist) {
            for status in [OrderStatus.accepted, .inProgress] {
                for order in try await services.orders.list(scope: nil, status: status, customerId: nil, page: PageRequest(limit: 50)).items {
                    for item in order.items where item.status == .awaitingReceipt {
                        awaiting.append(
                            ItemRow(
                                orderHref: "/console/orders/\(order.id)", orderNumber: order.number, service: item.serviceCode,
                                instrument: "\(item.instrument.manufacturer) \(item.instrument.model) · \(item.instrument.serialNumber)"
                            )
                        )
                    }
                }
            }
        }
        let due = try await services.equipment.list(status: nil, dueWithinDays: 30, page: PageRequest(limit: 50)).items.map {
            EquipmentRow(href: "/console/equipment/\($0.id)", assetTag: $0.assetTag, name: $0.name, dueOn: $0.latestCalibration?.dueOn ?? "")
        }
        let model = Model(
            greeting: display.text("home.greeting", me.name), held: rows(held), showReview: context.has(.reviewer), toReview: rows(toReview),
            showSigning: context.has(.signatory), toSign: rows(toSign), showReceipt: context.has(.admin, .receptionist),
            awaitingReceipt: awaiting, equipmentDue: due
        )
        return try area.page("console/home", titleKey: "home.title", model: model, request: request, context: context.root)
    }
}
