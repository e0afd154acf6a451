extension SettlementEngine {
    /// Waits until no other call works on the same order. The actor alone is not enough: it is
    /// re-entered at every `await` (store, acquirer), and an order must see one call at a time.
    func lock(_ key: OrderKey) async {
        if busyOrders.contains(key) {
            await withCheckedContinuation { continuation in waiters[key, default: []].append(continuation) }
        } else {
            busyOrders.insert(key)
        }
    }

    /// Hands the order to the next waiting call, or frees it.
    func unlock(_ key: OrderKey) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busyOrders.remove(key)
        }
    }
}
