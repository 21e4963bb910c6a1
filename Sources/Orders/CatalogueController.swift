import Foundation
import Hummingbird
import LIMSCore

/// The service catalogue: `GET /v1/services` (any caller), `POST /v1/services` and
/// `PUT /v1/services/{code}/price` (admin), `GET /v1/services/{code}` with its price history.
public struct CatalogueController: Sendable {
    let catalogue: CatalogueStore

    public init(catalogue: CatalogueStore) {
        self.catalogue = catalogue
    }

    struct PriceRequest: Decodable {
        var price: Money?
    }

    struct ServiceDetail: ResponseEncodable {
        var service: Service
        var priceHistory: [ServicePrice]

        func encode(to encoder: any Encoder) throws {
            try service.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(priceHistory, forKey: .priceHistory)
        }

        enum CodingKeys: String, CodingKey { case priceHistory }
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("services", use: list)
        group.post("services", use: create)
        group.get("services/{code}", use: show)
        group.put("services/{code}/price", use: changePrice)
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Page<Service> {
        try Page(slicing: try await catalogue.list(), page: PageRequest(request))
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Service> {
        _ = try context.principal.requireStaff(.admin)
        let input = try await request.decode(as: CatalogueStore.NewService.self, context: context)
        return EditedResponse(status: .created, response: try await catalogue.create(input, audit: context.audit))
    }

    func show(_ request: Request, context: AuthenticatedContext) async throws -> ServiceDetail {
        let code = try context.parameters.require("code")
        guard let service = try await catalogue.service(code: code) else { throw Problem.notFound("Service") }
        return ServiceDetail(service: service, priceHistory: try await catalogue.priceHistory(code: code))
    }

    func changePrice(_ request: Request, context: AuthenticatedContext) async throws -> Service {
        _ = try context.principal.requireStaff(.admin)
        let input = try await request.decode(as: PriceRequest.self, context: context)
        return try await catalogue.changePrice(code: try context.parameters.require("code"), to: input.price, audit: context.audit)
    }
}

extension Service: ResponseEncodable {}
