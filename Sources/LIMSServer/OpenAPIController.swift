import Foundation
import Hummingbird
import LIMSCore

/// `GET /openapi.yaml`: the contract document from `Resources/`, read once at start-up.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    init(resources: URL) throws {
        let data = try Data(contentsOf: resources.appendingPathComponent("openapi.yaml"))
        self.document = ByteBuffer(bytes: data)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("openapi.yaml") { [document] _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
