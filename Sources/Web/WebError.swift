import HTTPTypes

/// What a page handler throws when the answer is not the page: the web layer's error middleware turns it into a
/// redirect to sign-in or an error page in the person's language.
public enum WebError: Error, Sendable {
    /// No live session: go to the sign-in page and come back afterwards.
    case signInRequired
    /// A POST without the form token of this session (403, nothing changed).
    case missingFormToken
    /// The person may not do or see this (a page for another's data is a 404 instead).
    case forbidden
    /// There is no such page, or it is not yours.
    case notFound
}
