import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The stylesheet and script of the web pages, held in memory and served from the server's own origin under a URL
/// carrying a digest of their content (`/static/app.css?v=1a2b3c4d`), so browsers may cache them for a year and a
/// new release is fetched at once.
public struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        var version: String
    }

    let assets: [String: Asset]

    public init(directory: URL) throws {
        var assets: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let type: String
            switch (name as NSString).pathExtension {
            case "css": type = "text/css; charset=utf-8"
            case "js": type = "text/javascript; charset=utf-8"
            case "svg": type = "image/svg+xml"
            default: continue
            }
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let version = SHA256.hash(data: data).prefix(6).map { String(format: "%02x", $0) }.joined()
            assets[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: type, version: version)
        }
        self.assets = assets
    }

    /// The URL of asset `name`, versioned by its content.
    public func url(_ name: String) -> String {
        "/static/\(name)?v=\(assets[name]?.version ?? "0")"
    }

    /// `GET /static/{name}`: the asset with long-lived caching and an ETag, 304 when the browser has it; 404 otherwise.
    public func response(name: String, ifNoneMatch: String?) -> Response? {
        guard let asset = assets[name] else { return nil }
        var headers = HTTPFields()
        let etag = "\"\(asset.version)\""
        headers[.eTag] = etag
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        headers[.xContentTypeOptions] = "nosniff"
        if ifNoneMatch == etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("static/{name}") { request, context in
            let name = try context.parameters.require("name")
            guard let response = self.response(name: name, ifNoneMatch: request.headers[.ifNoneMatch]) else { throw HTTPError(.notFound) }
            return response
        }
    }
}
