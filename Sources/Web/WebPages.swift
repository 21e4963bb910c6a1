import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The web pages' templates, message catalogue and static assets, loaded once at start-up from `Resources/web/`.
///
/// A page is one template (`console/jobs/show`) rendered with one view model into the layout, which adds the
/// `<head>`, navigation, flash message and language switch. Templates see the catalogue as `t`
/// (`{{t.jobs.claimNext}}`), the form token as `csrf`, and their view model as `page`.
public struct WebPages: Sendable {
    let library: MustacheLibrary
    public let messages: MessageCatalogue
    public let assets: StaticAssets
    /// Whether cookies get `Secure` (the public URL is https).
    public let secureCookies: Bool

    /// A template a page needs is missing.
    public struct MissingTemplate: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "The web template \(name).mustache is missing." }
    }

    public init(resources: URL, secureCookies: Bool) throws {
        let root = resources.appendingPathComponent("web")
        var library = MustacheLibrary()
        let templates = root.appendingPathComponent("templates").standardizedFileURL.path
        let files = FileManager.default.enumerator(atPath: templates)?.compactMap { $0 as? String } ?? []
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: templates + "/" + file, encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        self.messages = try MessageCatalogue(directory: root.appendingPathComponent("messages"))
        self.assets = try StaticAssets(directory: root.appendingPathComponent("static"))
        self.secureCookies = secureCookies
        try require(["layout", "error"])
    }

    /// Fails start-up when a page's template is missing.
    public func require(_ names: [String]) throws {
        for name in names where library.getTemplate(named: name) == nil { throw MissingTemplate(name: name) }
    }

    /// Renders template `name` with `model` into the layout described by `chrome`.
    public func render(_ name: String, model: Any, chrome: Chrome, status: HTTPResponse.Status = .ok) throws -> Response {
        let table = messages.table(chrome.language)
        let context: [String: Any] = ["t": table, "csrf": chrome.formToken, "lang": chrome.language.rawValue, "page": model]
        guard let body = library.render(context, withTemplate: name) else { throw MissingTemplate(name: name) }
        var layout: [String: Any] = [
            "t": table, "lang": chrome.language.rawValue, "csrf": chrome.formToken, "title": chrome.title, "body": body,
            "css": assets.url("app.css"), "js": assets.url("app.js"), "icon": assets.url("favicon.svg"), "area": chrome.area, "areaName": messages.text("layout.area.\(chrome.area)", chrome.language), "path": chrome.path,
            "languages": Language.allCases.map { ["tag": $0.rawValue, "name": messages.text("language.\($0 == .en ? "en" : "zhHans")", $0),
                                                  "current": $0 == chrome.language] },
        ]
        if let user = chrome.userName { layout["user"] = user }
        if !chrome.navigation.isEmpty { layout["navigation"] = chrome.navigation.map { ["href": $0.href, "label": $0.label, "current": $0.current] } }
        if let flash = chrome.flash { layout["flash"] = ["text": flash.text, "error": flash.isError] }
        guard let html = library.render(layout, withTemplate: "layout") else { throw MissingTemplate(name: "layout") }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        WebHeaders.apply(to: &headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Whether a template exists (tests walk every template for catalogue keys).
    public func hasTemplate(_ name: String) -> Bool { library.getTemplate(named: name) != nil }
}

/// What the layout needs beside the page: language, title, who is signed in, navigation, form token, flash.
public struct Chrome: Sendable {
    public var language: Language
    public var title: String
    public var area: String
    public var path: String
    public var userName: String?
    public var navigation: [NavigationLink]
    public var formToken: String
    public var flash: Flash?

    public init(
        language: Language, title: String, area: String, path: String, userName: String? = nil, navigation: [NavigationLink] = [],
        formToken: String, flash: Flash? = nil
    ) {
        self.language = language
        self.title = title
        self.area = area
        self.path = path
        self.userName = userName
        self.navigation = navigation
        self.formToken = formToken
        self.flash = flash
    }
}

/// One entry of the navigation bar.
public struct NavigationLink: Sendable {
    public var href: String
    public var label: String
    public var current: Bool

    public init(href: String, label: String, current: Bool) {
        self.href = href
        self.label = label
        self.current = current
    }
}
