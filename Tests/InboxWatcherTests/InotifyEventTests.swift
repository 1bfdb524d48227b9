import InboxWatcher
import Testing

@Suite("inotify record parsing")
struct InotifyEventTests {
    /// One record as the kernel lays it out: header, then the name NUL-padded to `paddedLength`.
    private func record(watch: Int32, mask: UInt32, cookie: UInt32, name: String, paddedLength: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: watch.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: mask.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: cookie.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(paddedLength).littleEndian) { bytes += $0 }
        var nameBytes = Array(name.utf8)
        nameBytes += [UInt8](repeating: 0, count: paddedLength - nameBytes.count)
        return bytes + nameBytes
    }

    @Test("records are walked by 16 + len, names lose their padding, at any alignment")
    func parsesRecords() {
        let records =
            record(watch: 1, mask: 0x8, cookie: 0, name: "report.pdf", paddedLength: 16)
            + record(watch: -1, mask: 0x4000, cookie: 0, name: "", paddedLength: 0)
            + record(watch: 7, mask: 0x4000_0080, cookie: 42, name: "résumé 日本.mp4", paddedLength: 32)
        for misalignment in 0..<4 {
            let buffer = [UInt8](repeating: 0xEE, count: misalignment) + records
            let events = buffer.withUnsafeBytes { raw in
                InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: raw[misalignment...]))
            }
            #expect(
                events == [
                    InotifyEvent(watch: 1, mask: 0x8, cookie: 0, name: Array("report.pdf".utf8)),
                    InotifyEvent(watch: -1, mask: 0x4000, cookie: 0, name: []),
                    InotifyEvent(watch: 7, mask: 0x4000_0080, cookie: 42, name: Array("résumé 日本.mp4".utf8)),
                ])
        }
    }

    @Test("a truncated record at the end is not invented")
    func truncatedTail() {
        let whole = record(watch: 3, mask: 0x100, cookie: 0, name: "a", paddedLength: 16)
        let partial = record(watch: 4, mask: 0x100, cookie: 0, name: "bbbbbbbbbbbb", paddedLength: 16)
        let buffer = whole + partial.prefix(20)
        let events = buffer.withUnsafeBytes { InotifyEvent.parse($0) }
        #expect(events == [InotifyEvent(watch: 3, mask: 0x100, cookie: 0, name: [0x61])])
    }
}
