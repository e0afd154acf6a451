import Foundation
import ISO8583
import Testing

/// The pyiso8583-made vectors in `Vectors/vectors.json` (see `Vectors/generate_vectors.py`).
struct Vector: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let fields: [String: String]
    let hex: String
    let framed: String

    var testDescription: String { name }

    var bytes: [UInt8] { Self.bytes(fromHex: hex) }
    var framedBytes: [UInt8] { Self.bytes(fromHex: framed) }

    /// The message the vector describes, built from its field dictionary.
    func message() throws -> ISOMessage {
        var message = ISOMessage(mti: try MessageTypeIndicator(fields["t"]!))
        for (key, value) in fields where key != "t" {
            message[ISOField(rawValue: Int(key)!)!] = value
        }
        return message
    }

    static func bytes(fromHex hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            out.append(UInt8(String([high, low]), radix: 16)!)
        }
        return out
    }

    static let all: [Vector] = {
        struct File: Decodable { let vectors: [Vector] }
        let url = Bundle.module.url(forResource: "vectors", withExtension: "json")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }()
}
