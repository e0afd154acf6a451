import Hummingbird
import Logging

/// Turns every error below it into the JSON error body, so no client ever sees an empty or HTML
/// error: Hummingbird's own errors (unknown route, body too large, undecodable JSON) included.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let bodyLimit: Int
    /// Routes beside the API's (the payment pages), for 405 answers.
    var extraRoutes: [RouteTable.Route] = []

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            if error.status == .notFound,
                let allowed = RouteTable.allowedMethods(path: request.uri.path, extra: extraRoutes)
            {
                throw APIError.methodNotAllowed(allowed: allowed)
            }
            throw Self.translate(error, bodyLimit: bodyLimit)
        } catch is DecodingError {
            throw APIError.invalidRequest(
                "The body is not the JSON this endpoint expects; see /openapi.yaml for its shape.")
        } catch {
            context.logger.error("unexpected error: \(type(of: error))")
            throw APIError.internalError()
        }
    }

    static func translate(_ error: HTTPError, bodyLimit: Int) -> APIError {
        switch error.status {
        case .notFound:
            .notFound("There is no such endpoint; see /openapi.yaml for the API.")
        case .methodNotAllowed:
            APIError(
                .methodNotAllowed, code: "method-not-allowed",
                message: "This endpoint does not accept that method; see /openapi.yaml.")
        case .contentTooLarge:
            .bodyTooLarge(limit: bodyLimit)
        case .badRequest:
            .invalidRequest(
                "The request could not be read (\(error.body ?? "bad request")); see /openapi.yaml.")
        default:
            APIError(
                error.status, code: error.status.code < 500 ? "invalid-request" : "internal",
                message: error.body ?? error.status.reasonPhrase)
        }
    }
}
