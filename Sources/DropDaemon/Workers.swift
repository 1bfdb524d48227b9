import DropQueue
import Foundation
import Logging

extension Pipeline {
    /// Runs the upload workers and the video poller until `draining` is set (each finishes the job in hand)
    /// or the task is cancelled (a job in hand is put back in the queue).
    func runWorkers(draining: DrainFlag) async {
        await withDiscardingTaskGroup { group in
            for index in 0..<options.workers {
                group.addTask { await self.workerLoop(index, draining: draining) }
            }
            group.addTask { await self.pollerLoop(draining: draining) }
        }
    }

    private func workerLoop(_ index: Int, draining: DrainFlag) async {
        var logger = self.logger
        logger[metadataKey: "worker"] = "\(index)"
        while !draining.isSet && !Task.isCancelled {
            let job: Job?
            do {
                job = try queue.claim(owner: owner, states: [.queued], lease: options.lease).first
            } catch {
                logger.error("cannot claim a job: \(error)")
                job = nil
            }
            if let job {
                await withLease(job) { await self.process(job) }
            } else {
                try? await Task.sleep(for: options.idlePoll)
            }
        }
    }

    /// Polls the videos that are due, a few at a time; polls are short, so the upload workers stay free.
    private func pollerLoop(draining: DrainFlag) async {
        let batch = max(4, options.workers)
        while !draining.isSet && !Task.isCancelled {
            let jobs: [Job]
            do {
                jobs = try queue.claim(owner: owner, states: [.waitingVideo], lease: options.lease, limit: batch)
            } catch {
                logger.error("cannot claim videos to poll: \(error)")
                jobs = []
            }
            if jobs.isEmpty {
                try? await Task.sleep(for: options.idlePoll)
                continue
            }
            await withDiscardingTaskGroup { group in
                for job in jobs {
                    group.addTask { await self.withLease(job) { await self.poll(job) } }
                }
            }
        }
    }

    /// Runs `body` while renewing the job's lease in the background, so a long upload keeps its claim.
    func withLease(_ job: Job, _ body: () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: self.options.lease / 3)
                    } catch {
                        return
                    }
                    do {
                        // A busy database now and then is no reason to stop: the next try comes a third of a lease later.
                        _ = try self.queue.renewLease(job.id, owner: self.owner, lease: self.options.lease)
                    } catch {
                        self.logger.warning("cannot renew the claim on job \(job.id.rawValue): \(error)")
                    }
                }
            }
            await body()
            group.cancelAll()
        }
    }
}
