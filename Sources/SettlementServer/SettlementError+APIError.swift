import Hummingbird
import Settlement
import SettlementHTTP

extension SettlementError: APIErrorConvertible {
    /// The engine's error as the HTTP answer: same status, same machine code, same sentence.
    public var apiError: APIError {
        let status = HTTPResponse.Status(code: httpStatus)
        var error = APIError(status, code: code, message: message)
        if isBusy { error.headers[.retryAfter] = "1" }
        return error
    }
}
