import ArgumentParser
import Foundation
import PairPayQR

/// `pairpay qr TEXT`: TEXT as a QR code, drawn on the terminal or written as a PNG or SVG file.
struct QRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Draw TEXT as a QR code on the terminal, or write it as a PNG or SVG file.",
        discussion: """
            The text is encoded as its UTF-8 bytes (byte mode, error correction M) in the smallest QR \
            code that holds it: at most 2331 bytes. Without --png or --svg the code is drawn on \
            standard output with half-block characters, light modules as blocks, for a terminal with \
            light text on a dark background. Files get a quiet zone of 4 modules; an existing file is \
            replaced.
              pairpay qr 'PAIRPAY1:...'
              pairpay qr 'PAIRPAY1:...' --png code.png --module-size 10
            """)

    @Argument(help: "The text to encode.")
    var text: String

    @Option(help: ArgumentHelp("Write the code as a PNG image (8-bit grayscale) to FILE.", valueName: "FILE"))
    var png: String?

    @Option(help: ArgumentHelp("Write the code as an SVG document to FILE.", valueName: "FILE"))
    var svg: String?

    @Option(help: ArgumentHelp("Pixels per module of the PNG or SVG (1–64, default 8).", valueName: "N"))
    var moduleSize: Int?

    func validate() throws {
        if png != nil && svg != nil {
            throw ValidationError(
                "give --png FILE or --svg FILE, not both; without either the code is drawn on the terminal")
        }
        if png?.isEmpty == true || svg?.isEmpty == true {
            throw ValidationError("the output file name is empty; give the path of the file to write")
        }
        if let moduleSize {
            guard png != nil || svg != nil else {
                throw ValidationError(
                    "--module-size sets the pixels of a --png or --svg file; give one, or leave it out")
            }
            guard (1...64).contains(moduleSize) else {
                throw ValidationError("--module-size must be 1 to 64 pixels per module, not \(moduleSize)")
            }
        }
        if text.isEmpty {
            throw ValidationError("TEXT is empty; give the text to put in the QR code")
        }
    }

    func run() throws {
        let code: QRCode
        do {
            code = try QRCode(text: text)
        } catch .textTooLong(let byteCount, let level) {
            throw ValidationError(
                "TEXT is \(byteCount) bytes in UTF-8; a QR code at error correction \(level.letter) holds at "
                    + "most \(level.byteCapacity); shorten it")
        } catch {
            throw ValidationError(error.description)
        }
        let moduleSize = moduleSize ?? 8
        let quietZone = 4
        let path: String
        if let png {
            path = png
            try write(code.png(moduleSize: moduleSize, quietZone: quietZone), to: path)
        } else if let svg {
            path = svg
            try write(Array(code.svg(moduleSize: moduleSize, quietZone: quietZone).utf8), to: path)
        } else {
            print(code.terminalText(), terminator: "")
            return
        }
        let pixels = (code.size + 2 * quietZone) * moduleSize
        print(
            "wrote \(path): QR version \(code.version), \(code.size)×\(code.size) modules, "
                + "\(pixels)×\(pixels) pixels")
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
