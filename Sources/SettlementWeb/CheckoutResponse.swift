import HTTPTypes
import Hummingbird

/// An HTML answer of the checkout pages with the headers every one carries: no caching (they
/// show card forms and results), no framing, a policy that allows no script and no inline style,
/// no referrer.
struct CheckoutResponse {
    var status: HTTPResponse.Status
    var html: String
    var cookies: [String] = []
    /// Origins a form on the page may post to besides this server (the store's relay address).
    var formTargets: [String] = []
    var location: String?
    var retryAfter: Int?

    static func redirect(_ location: String, cookies: [String] = []) -> CheckoutResponse {
        CheckoutResponse(status: .seeOther, html: "", cookies: cookies, location: location)
    }

    var response: Response {
        var headers = HTTPFields()
        if location == nil { headers[.contentType] = "text/html; charset=utf-8" }
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Pragma")!] = "no-cache"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        let forms = (["'self'"] + formTargets).joined(separator: " ")
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action \(forms); "
            + "frame-ancestors 'none'; base-uri 'none'"
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        if let location { headers[.location] = location }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A cookie for the checkout paths only: HTTPS only, not readable by scripts, sent on
    /// top-level navigations from elsewhere (the camera app) but not on cross-site posts.
    static func cookie(_ name: String, _ value: String, path: String = "/p/", maxAge: Int = 3600) -> String {
        "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); Secure; HttpOnly; SameSite=Lax"
    }
}
