/// A set of raw names that holds at most `capacity` of them: inserting one more forgets the oldest. Used to
/// log each name once however often it comes back, in bounded memory.
struct BoundedNameSet {
    /// The most names kept.
    let capacity: Int
    private var members: Set<[UInt8]> = []
    private var order: [[UInt8]] = []
    private var head = 0

    /// An empty set keeping at most `capacity` (≥ 1) names.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `name`; true when it was not there. When full, the oldest name is forgotten first.
    mutating func insert(_ name: [UInt8]) -> Bool {
        if members.contains(name) { return false }
        if members.count >= capacity {
            members.remove(order[head])
            order[head] = name
            head = (head + 1) % capacity
        } else {
            order.append(name)
        }
        members.insert(name)
        return true
    }

    /// True when `name` is remembered.
    func contains(_ name: [UInt8]) -> Bool { members.contains(name) }

    /// How many names are remembered.
    var count: Int { members.count }

    /// Forgets every name.
    mutating func removeAll() {
        members = []
        order = []
        head = 0
    }
}
