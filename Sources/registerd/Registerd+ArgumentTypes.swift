import ArgumentParser
import Logging
import RegisterLink
import StoreGateway

/// How registerd authenticates its requests to settlementd (`--store-auth`).
enum StoreAuthenticationMethod: String, CaseIterable, ExpressibleByArgument {
    /// A client certificate enrolled with `pairpay enroll merchant --certificate`.
    case mtls
    /// A MAC key enrolled with `pairpay enroll merchant`.
    case mac
}

// The option types registerd parses from their raw values: ArgumentParser lists the allowed
// values in --help and names the option and the values in the error for any other.
extension TransportKind: ExpressibleByArgument {}
extension SerialSettings.Parity: ExpressibleByArgument {}
extension SerialSettings.FlowControl: ExpressibleByArgument {}
extension PhonePayloadFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
