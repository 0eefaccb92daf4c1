import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

@Suite struct ConcurrencyPrimitivesTests {
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
