import DropQueue
import Foundation
import HeyGenAPI
import Logging

extension Pipeline {
    /// Runs the upload workers and the video poller until `draining` is set (each finishes the job in hand)
    /// or the task is cancelled (a job in hand is put back in the queue).
    ///
    /// The workers hold up to `options.jobsInHand` jobs, more than their `options.workers` request slots:
    /// while `workers` jobs have a request in flight, the others do their local work — the checks and
    /// hashing of the next jobs, the result, fsyncs, moves and queue commits of those whose request ended —
    /// so the slots never wait on local work. Each job still goes through its steps in order, each saved
    /// before the next.
    package func runWorkers(draining: DrainFlag) async {
        await withDiscardingTaskGroup { group in
            for index in 0..<options.jobsInHand {
                group.addTask {
                    await RequestSlots.$current.withValue(self.requestSlots) {
                        await self.workerLoop(index, draining: draining)
                    }
                }
            }
            group.addTask { await self.pollerLoop(draining: draining) }
        }
    }

    private func workerLoop(_ index: Int, draining: DrainFlag) async {
        var logger = self.logger
        logger[metadataKey: "worker"] = "\(index)"
        while !draining.isSet && !Task.isCancelled {
            heartbeat.beat()
            let ticket = bell.ticket
            let job: Job?
            do {
                job = try await queue.claim(
                    owner: owner, states: [.queued], lease: options.lease, leaseNow: leaseClock.now(),
                    profiles: options.profiles.keys.sorted()
                ).first
            } catch {
                logger.error("cannot claim a job: \(error)")
                job = nil
            }
            if let job {
                await withLease(job) { await self.process(job) }
            } else {
                await idle(after: ticket, states: [.queued])
            }
        }
    }

    /// Polls the videos that are due, up to 100 at a time with one bulk status request (videos due in the
    /// next moments come along), a few jobs at a time; polls are short, so the upload workers stay free.
    private func pollerLoop(draining: DrainFlag) async {
        while !draining.isSet && !Task.isCancelled {
            heartbeat.beat()
            let ticket = bell.ticket
            let jobs: [Job]
            do {
                jobs = try await queue.claim(
                    owner: owner, states: [.waitingVideo], lease: options.lease, limit: HeyGenClient.maxBulkStatusIDs,
                    now: Date().addingTimeInterval(pollLookAhead.seconds), leaseNow: leaseClock.now())
            } catch {
                logger.error("cannot claim videos to poll: \(error)")
                jobs = []
            }
            if jobs.isEmpty {
                await idle(after: ticket, states: [.waitingVideo])
                continue
            }
            await pollBatch(jobs)
        }
    }

    /// How far ahead of its due time a video is asked after, so that videos due close together share
    /// one bulk status request: half the first poll delay, at most 2 s.
    private var pollLookAhead: Duration { min(options.videoPollInitial / 2, .seconds(2)) }

    /// Waits, with nothing to claim, until the next job in `states` may be due, the bell rings after
    /// `ticket`, or `idleRecheck` passes (for work other processes may add); never less than `idlePoll`
    /// when a job looks due but could not be claimed, so a loop never spins.
    private func idle(after ticket: UInt64, states: Set<JobState>) async {
        var wait = options.idleRecheck
        do {
            if let due = try await queue.nextClaimableAt(states: states) {
                let untilDue = Duration.seconds(max(0, due.timeIntervalSinceNow)) + .milliseconds(5)
                wait = max(options.idlePoll, min(wait ?? untilDue, untilDue))
            }
        } catch {
            logger.error("cannot read when the next job is due: \(error)")
            wait = options.idlePoll
        }
        await bell.wait(after: ticket, upTo: wait)
    }

    /// Runs `body` while renewing the job's lease in the background, so a long upload keeps its claim.
    ///
    /// The claim's work stops (`body` is cancelled; nothing more is sent to the API for it, see
    /// `LeaseGuard.checkHeld`) as soon as the claim is known lost — the renewal answers that the job is no
    /// longer held under this claim's token — or may be lost: no renewal succeeded for three quarters of a
    /// lease (measured on the monotonic clock), so another claim could take the job soon. Whatever the job
    /// learned stays in the queue for the claim that takes it next.
    package func withLease(_ job: Job, _ body: @escaping @Sendable () async -> Void) async {
        guard let token = job.leaseToken else {
            logger.error("claimed job \(job.id.rawValue) has no lease token; leaving it")
            return
        }
        let lease = options.lease
        let queue = self.queue
        let leaseClock = self.leaseClock
        let logger = JobRun(job: job).logger(self.logger)
        let guardian = LeaseGuard(lease: lease)
        bell.ring()  // in flight now: the status line changes
        await heartbeat.holdingJob {
            await LeaseGuard.$current.withValue(guardian) {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await body() }
                    // Renews every third of a lease; ends when the claim is known lost.
                    group.addTask {
                        while !Task.isCancelled {
                            do {
                                try await Task.sleep(for: lease / 3)
                            } catch {
                                return
                            }
                            let attempt = guardian.reading()
                            do {
                                if try await queue.renewLease(job.id, token: token, lease: lease, now: leaseClock.now()) {
                                    guardian.renewed(at: attempt)
                                    continue
                                }
                                guardian.markLost()
                                logger.error("the job was claimed again elsewhere; stopping this claim's work")
                                return
                            } catch {
                                // A busy database now and then is no reason to stop: the next try comes a third
                                // of a lease later (the guard stops the work if the lease may run out meanwhile).
                                logger.warning("cannot renew the claim on job \(job.id.rawValue): \(error)")
                            }
                        }
                    }
                    // Ends when the claim may be lost, even while a renewal is stuck waiting for the database.
                    group.addTask {
                        while !Task.isCancelled {
                            do {
                                try await Task.sleep(for: lease / 8)
                            } catch {
                                return
                            }
                            if !guardian.isHeld {
                                logger.error("could not renew the claim for most of its lease; stopping this claim's work")
                                return
                            }
                        }
                    }
                    // Whichever ends first ends the others: the work (done), or a guard (the claim is lost).
                    await group.next()
                    group.cancelAll()
                }
            }
        }
        // The job was finished or put back, and its video slot, if any, is free: other loops look again.
        bell.ring()
    }
}
