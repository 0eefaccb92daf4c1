import Synchronization
import Testing

@testable import VigieKit

@Suite struct ConcurrencyPrimitivesTests {
    @Test func semaphoreBoundsConcurrency() async throws {
        let semaphore = AsyncSemaphore(permits: 3)
        let running = SharedCounter()
        let highest = SharedCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await semaphore.acquire()
                    let now = running.value.withLock { value -> Int in
                        value += 1
                        return value
                    }
                    highest.value.withLock { $0 = max($0, now) }
                    try await Task.sleep(for: .milliseconds(20))
                    running.value.withLock { $0 -= 1 }
                    semaphore.release()
                }
            }
            try await group.waitForAll()
        }
        #expect(highest.value.withLock { $0 } == 3)
        #expect(semaphore.available == 3)
    }

    @Test func waitingForAPermitIsCancellable() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        try await semaphore.acquire()
        let waiter = Task { try await semaphore.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        semaphore.release()
        #expect(semaphore.available == 1, "a cancelled waiter takes no permit")
    }

    @Test func siteHolderWakesWaiters() async throws {
        let site = try SiteBuilder.site(checks: "      - tcp: 127.0.0.1:1")
        let holder = SiteHolder(site: site)
        #expect(holder.current.generation == 0)
        async let changed: Void = holder.waitForChange(after: 0)
        try await Task.sleep(for: .milliseconds(50))
        holder.update(site)
        await changed
        #expect(holder.current.generation == 1)
        await holder.waitForChange(after: 0)  // already changed: returns at once

        let waiter = Task { await holder.waitForChange(after: 1) }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value  // returns on cancellation

        async let stopped: Void = holder.waitForChange(after: 1)
        try await Task.sleep(for: .milliseconds(50))
        holder.shutDown()
        await stopped
        #expect(holder.isShutDown)
    }
}

/// An integer shared between tasks.
final class SharedCounter: Sendable {
    let value = Mutex(0)
}
