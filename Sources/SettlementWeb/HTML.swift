import PairPayCore

/// Building blocks of the checkout pages: escaping and the page shell. Every value that reaches a
/// page goes through ``escape(_:)``; the pages carry no script and no inline style.
enum HTML {
    /// Text escaped for HTML element content and double-quoted attribute values.
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A whole page: language, mobile viewport, the stylesheet, an optional refresh, the body.
    static func page(
        language: CheckoutLocale, title: String, body: String, refreshSeconds: Int? = nil,
        switchLanguage: String? = nil
    ) -> String {
        let refresh = refreshSeconds.map { #"<meta http-equiv="refresh" content="\#($0)">"# } ?? ""
        let switcher =
            switchLanguage.map {
                #"<nav class="lang"><a href="\#(escape($0))" hreflang="\#(language.other.rawValue)" lang="\#(language.other.rawValue)">\#(escape(language.other.nativeName))</a></nav>"#
            } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            \(refresh)<title>\(escape(title))</title>
            <link rel="stylesheet" href="/checkout.css">
            </head>
            <body>
            <header><span class="brand">PairPay</span>\(switcher)</header>
            <main>
            \(body)
            </main>
            </body>
            </html>

            """
    }
}
