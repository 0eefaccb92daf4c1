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
                openIncidents: { _ in passes.withLock { $0 += 1 } }
            )
            let clock = TestClock()
            let service = MaintenanceService(incidents: manager, postgres: nil, interval: .seconds(15), clock: clock)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await service.run() }
                    #expect(await LoopbackHTTP.eventually { passes.withLock { $0 } == 1 }, "a pass at start")
                    try await Task.sleep(for: .milliseconds(200))
                    #expect(passes.withLock { $0 } == 1, "none while the clock stands still")
                    // The clock moves a second at a time until the next pass: never before 15 s (the loop
                    // starts its wait when it gets there, which the test does not see, so it may take more).
                    var moved = Duration.zero
                    let second = await LoopbackHTTP.eventually {
                        if passes.withLock({ $0 }) == 2 { return true }
                        await clock.advance(by: .seconds(1))
                        moved += .seconds(1)
                        return false
                    }
                    #expect(second)
                    #expect(moved >= .seconds(15), "\(moved)")
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
    }
}
