import HTTPTypes

/// The headers every web page is sent with (`UI.md`): only the server's own origin for everything, no inline
/// script, no framing, no referrer to other sites, no caching of personal pages.
public enum WebHeaders {
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    /// Adds the page headers to `fields`.
    public static func apply(to fields: inout HTTPFields, cacheable: Bool = false) {
        fields[.contentSecurityPolicy] = contentSecurityPolicy
        fields[.xContentTypeOptions] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if !cacheable { fields[.cacheControl] = "no-store" }
    }
}
