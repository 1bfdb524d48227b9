import AsyncHTTPClient
import NIOCore
import Synchronization
import SystemSupport

extension FileDownloader {
    /// Streams `body` into `sink` in writes of about `writeChunkBytes`, enforcing `maxBytes` and the minimum
    /// transfer rate. `expected` is how many bytes this answer announced (nil: unknown); fewer is a cut.
    /// After a failure `sink` (and the file) hold what was received before it. `progress` follows each write
    /// (of `total`, the whole file's size, when known).
    func receive(
        _ body: HTTPClientResponse.Body, into sink: inout DownloadSink, expected: Int64?, total: Int64?,
        progress: TransferProgress? = nil
    ) async throws(DownloadError) {
        let meter = TransferMeter()
        let initial = sink
        let configuration = self.configuration
        let window = configuration.rateWindow
        let windowSeconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
        let minimumPerWindow = Int64(Double(configuration.minimumBytesPerSecond) * windowSeconds)

        enum Outcome: Sendable {
            case reader(DownloadSink, DownloadError?)
            case stalled
            case watchdogEnded
        }
        let (finalSink, failure) = await withTaskGroup(of: Outcome.self) { group -> (DownloadSink, DownloadError?) in
            group.addTask {
                let (sink, error) = await FileDownloader.read(
                    body, into: initial, expected: expected, configuration: configuration, meter: meter,
                    progress: progress, total: total)
                return .reader(sink, error)
            }
            if minimumPerWindow > 0 {
                group.addTask {
                    var last: Int64 = 0
                    while true {
                        do { try await Task.sleep(for: window) } catch { return .watchdogEnded }
                        let now = meter.snapshot.moved
                        if now - last < minimumPerWindow { return .stalled }
                        last = now
                    }
                }
            }
            var outcome: (DownloadSink, DownloadError?)?
            var stalled = false
            while let next = await group.next() {
                switch next {
                case .reader(let sink, let error):
                    outcome = (sink, error)
                    group.cancelAll()
                case .stalled:
                    stalled = true
                    group.cancelAll()
                case .watchdogEnded:
                    break
                }
            }
            guard let outcome else { return (initial, nil) }
            let (sink, error) = outcome
            if stalled, error != nil {
                return (
                    sink,
                    DownloadError(
                        kind: .transient,
                        message: "the transfer was slower than \(configuration.minimumBytesPerSecond) bytes/s over \(window)",
                        bytesOnDisk: sink.written)
                )
            }
            return (sink, error)
        }
        sink = finalSink
        if let failure { throw failure }
    }

    /// The reading loop: gathers parts and appends them to `sink`; returns it with the error that ended the
    /// read, if any (a cut, a cancellation, too many bytes, a failed write).
    static func read(
        _ body: HTTPClientResponse.Body, into initial: DownloadSink, expected: Int64?, configuration: Configuration,
        meter: TransferMeter, progress: TransferProgress? = nil, total: Int64? = nil
    ) async -> (DownloadSink, DownloadError?) {
        progress?.set(done: initial.written, total: total)
        var sink = initial
        var pending = ByteBuffer()
        pending.reserveCapacity(configuration.writeChunkBytes)
        var received: Int64 = 0
        var failure: DownloadError?
        do {
            for try await part in body {
                received += Int64(part.readableBytes)
                meter.record(part.readableBytes, finished: false)
                if initial.written + received > configuration.maxBytes {
                    failure = DownloadError(
                        kind: .tooLarge, message: "the body is larger than the \(configuration.maxBytes) bytes allowed")
                    break
                }
                if let expected, received > expected {
                    failure = DownloadError(kind: .refused, message: "the file host sent more bytes than it announced")
                    break
                }
                pending.writeImmutableBuffer(part)
                if pending.readableBytes >= configuration.writeChunkBytes {
                    try await sink.append(pending)
                    pending.clear()
                    progress?.set(done: sink.written)
                }
            }
            if failure == nil {
                try await sink.append(pending)
                progress?.set(done: sink.written)
            }
        } catch let error as DownloadError {
            failure = error
        } catch {
            // A cut connection (or a cancelled read): keep what arrived, so the download can resume from it.
            do {
                try await sink.append(pending)
            } catch let writeError {
                return (sink, writeError)
            }
            failure = DownloadError(kind: .transient, message: "the transfer broke off: \(error)")
        }
        if failure == nil {
            if let expected, received < expected {
                failure = DownloadError(kind: .transient, message: "the transfer ended after \(received) of \(expected) bytes")
            } else if expected == nil, Task.isCancelled {
                failure = DownloadError(kind: .transient, message: "the transfer was cancelled")
            }
        }
        if var failure {
            failure.bytesOnDisk = sink.written
            return (sink, failure)
        }
        return (sink, nil)
    }
}
