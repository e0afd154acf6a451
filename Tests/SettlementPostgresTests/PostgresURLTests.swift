import SettlementPostgres
import Testing

@Suite("PostgresURL: reading --database")
struct PostgresURLTests {
    @Test func readsEveryPart() throws {
        let url = try PostgresURL("postgres://pairpay:s%40cret@db.example:6543/settle?sslmode=require")
        #expect(url.username == "pairpay" && url.password == "s@cret")
        #expect(url.host == "db.example" && url.port == 6543 && url.database == "settle")
        #expect(url.tls == .require && url.socketDirectory == nil)
        #expect(url.description == "postgres://pairpay@db.example:6543/settle?sslmode=require", "no password")
        #expect(try PostgresURL(url.description).password == nil)
    }

    @Test func defaultsAndSocket() throws {
        let url = try PostgresURL("postgresql://me@localhost/pay?host=/run/postgresql")
        #expect(url.port == 5432 && url.tls == .prefer && url.socketDirectory == "/run/postgresql")
    }

    @Test(arguments: [
        ("mysql://u@h/d", "postgres://"),
        ("postgres://h:5432/d", "no user"),
        ("postgres://u@h:5432/", "no database"),
        ("postgres://u@h/d?sslmode=verify-full", "sslmode"),
        ("postgres://u@h/d?application=x", "unknown parameter"),
    ])
    func refusesWithAReason(text: String, reason: String) {
        do {
            _ = try PostgresURL(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
        }
    }
}
