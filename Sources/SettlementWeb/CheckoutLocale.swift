import Foundation

/// The languages of the checkout pages, chosen by `?lang=`, then the `pp_lang` cookie, then the
/// browser's `Accept-Language`; English when nothing matches.
public enum CheckoutLocale: String, Sendable, CaseIterable {
    case english = "en"
    case japanese = "ja"

    /// The name of the language in itself, for the switch.
    var nativeName: String {
        switch self {
        case .english: "English"
        case .japanese: "日本語"
        }
    }

    /// The language the switch offers.
    var other: CheckoutLocale { self == .english ? .japanese : .english }

    /// The page strings in this language.
    var strings: CheckoutStrings { self == .english ? .english : .japanese }

    /// The first of `query`, `cookie` and the `Accept-Language` header that names a language here.
    static func choose(query: String?, cookie: String?, acceptLanguage: String?) -> CheckoutLocale {
        if let query, let locale = CheckoutLocale(rawValue: query) { return locale }
        if let cookie, let locale = CheckoutLocale(rawValue: cookie) { return locale }
        return fromAcceptLanguage(acceptLanguage ?? "") ?? .english
    }

    /// The language of highest weight (`q`) in an `Accept-Language` value that is offered here.
    static func fromAcceptLanguage(_ header: String) -> CheckoutLocale? {
        var best: (locale: CheckoutLocale, weight: Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var weight = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard weight > 0, let locale = CheckoutLocale(rawValue: primary) else { continue }
            if best == nil || weight > best!.weight { best = (locale, weight) }
        }
        return best?.locale
    }
}
