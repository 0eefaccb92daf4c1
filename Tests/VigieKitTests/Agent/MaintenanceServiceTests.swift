import Clocks
import Foundation
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import VigieCore
@testable import VigieKit

/// The maintenance loop on a test clock: one pass at start, then one per interval of the clock.
@Suite struct MaintenanceServiceTests {
    @Test func maintainsOncePerIntervalOfItsClock() async throws {
        try await IncidentManagerTests.withDirectory { directory in
            let site = try IncidentManagerTests.site(incidents: "incidents: {open_after: 1}")
            let passes = Mutex(0)
            let manager = IncidentManager(
                store: try SQLiteIncidentStore(dataDirectory: directory.path),
                site: site,
                executor: RestartExecutor(dryRun: true, context: ProbeContext(allowlist: Allowlist(site: site))),
                openIncidents: { _ in passes.withLock { $0 += 1 } }
            )
            let clock = TestClock()
            let service = MaintenanceService(incidents: manager, postgres: nil, interval: .seconds(15), clock: clock)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await service.run() }
                    #expect(await LoopbackHTTP.eventually { passes.withLock { $0 } == 1 }, "a pass at start")
                    await clock.advance(by: .seconds(14))
                    try await Task.sleep(for: .milliseconds(200))
                    #expect(passes.withLock { $0 } == 1, "none before the interval")
                    await clock.advance(by: .seconds(1))
                    #expect(await LoopbackHTTP.eventually { passes.withLock { $0 } == 2 })
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
    }
}
