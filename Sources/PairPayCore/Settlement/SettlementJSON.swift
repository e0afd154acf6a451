#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes PairPay's JSON request bodies with errors that say what to fix.
public enum SettlementJSON {
    /// Decodes `T` from `data`. Validation errors come through unchanged; missing keys, wrong
    /// types and malformed JSON become ``OrderValidationError`` naming the field's JSON path.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(OrderValidationError) -> T
    {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as OrderValidationError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw .missingField(path(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .invalidField(path(context.codingPath), "must be of JSON type \(jsonType(expected))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .missingField(path(context.codingPath))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw .invalidField(path(context.codingPath), "is malformed")
        } catch {
            throw .invalidField("body", "must be a JSON object as documented in openapi/settlement.yaml")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "body" : text
    }

    static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "string"
        case is Int.Type, is Int64.Type: return "integer"
        case is Bool.Type: return "boolean"
        default: return "object or array as documented"
        }
    }
}
