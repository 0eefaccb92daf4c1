import Foundation
import Testing

@testable import VigieCore

/// The restart decisions, event by event, at fixed times.
@Suite struct WatchdogTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let policy = RemediationPolicy(
        restartAfter: 3,
        cooldown: .seconds(120),
        maxRestarts: 3,
        window: .seconds(3600),
        command: ["systemctl", "restart", "prosody"]
    )

    /// Feeds events one per `step` seconds from `start`, returning the actions.
    static func feed(
        _ watchdog: inout Watchdog,
        _ events: [Watchdog.Event],
        from start: Date = t0,
        step: TimeInterval = 30
    ) -> [Watchdog.Action] {
        events.enumerated().map { index, event in watchdog.handle(event, at: start + Double(index) * step) }
    }

    @Test func restartsAtTheThreshold() {
        var watchdog = Watchdog(policy: Self.policy)
        let actions = Self.feed(&watchdog, [.checkFailed("xmpp"), .checkFailed("xmpp"), .checkFailed("xmpp")])
        #expect(actions == [.none, .none, .restart(attempt: 1)])
        #expect(watchdog.restarting)
    }

    @Test func anyCheckOfTheServiceCounts() {
        var watchdog = Watchdog(policy: Self.policy)
        let actions = Self.feed(&watchdog, [.checkFailed("xmpp"), .checkFailed("bosh"), .checkFailed("xmpp")])
        #expect(actions.last == .restart(attempt: 1))
    }

    @Test func aPassOfTheOnlyFailingCheckResetsTheCount() {
        var watchdog = Watchdog(policy: Self.policy)
        let actions = Self.feed(
            &watchdog,
            [
                .checkFailed("xmpp"), .checkFailed("xmpp"), .checkPassed("xmpp"), .checkFailed("xmpp"),
                .checkFailed("xmpp"),
            ]
        )
        #expect(actions == [.none, .none, .none, .none, .none])
        #expect(watchdog.consecutiveFailures == 2)
    }

    @Test func aPassOfAnotherCheckDoesNotReset() {
        var watchdog = Watchdog(policy: Self.policy)
        let actions = Self.feed(
            &watchdog,
            [.checkFailed("xmpp"), .checkFailed("xmpp"), .checkPassed("bosh"), .checkFailed("xmpp")]
        )
        #expect(actions.last == .restart(attempt: 1), "xmpp is still failing")
    }

    @Test func nothingIsCountedDuringARestartOrItsCooldown() {
        var watchdog = Watchdog(policy: Self.policy)
        _ = Self.feed(&watchdog, [.checkFailed("x"), .checkFailed("x"), .checkFailed("x")])
        #expect(watchdog.handle(.checkFailed("x"), at: Self.t0 + 100) == .none, "restart in progress")
        #expect(watchdog.handle(.restartFinished(succeeded: true), at: Self.t0 + 110) == .none)
        // Cooldown until t0 + 230: failures inside it are not counted.
        let inside = Self.feed(
            &watchdog,
            [.checkFailed("x"), .checkFailed("x"), .checkFailed("x"), .checkFailed("x")],
            from: Self.t0 + 120,
            step: 20
        )
        #expect(inside == [.none, .none, .none, .none])
        #expect(watchdog.consecutiveFailures == 0)
        let after = Self.feed(
            &watchdog,
            [.checkFailed("x"), .checkFailed("x"), .checkFailed("x")],
            from: Self.t0 + 240
        )
        #expect(after == [.none, .none, .restart(attempt: 2)])
    }

    @Test func theFlapLimitEscalatesOnceInsteadOfRestartingForever() {
        var watchdog = Watchdog(policy: Self.policy)
        var now = Self.t0
        var restarts = 0
        var escalations: [String] = []
        for _ in 0..<30 {
            switch watchdog.handle(.checkFailed("x"), at: now) {
            case .restart:
                restarts += 1
                now += 5
                _ = watchdog.handle(.restartFinished(succeeded: true), at: now)
                now += 121
            case .escalate(let reason):
                escalations.append(reason)
            default:
                break
            }
            now += 10
        }
        #expect(restarts == 3)
        #expect(escalations.count == 1)
        #expect(escalations.first?.hasPrefix("3 restarts in the last 1h and still failing") == true)
        #expect(watchdog.escalated)
    }

    @Test func theWindowForgetsOldRestarts() {
        var watchdog = Watchdog(
            policy: RemediationPolicy(
                restartAfter: 1,
                cooldown: .seconds(10),
                maxRestarts: 1,
                window: .seconds(600),
                command: ["x"]
            )
        )
        #expect(watchdog.handle(.checkFailed("x"), at: Self.t0) == .restart(attempt: 1))
        _ = watchdog.handle(.restartFinished(succeeded: false), at: Self.t0 + 1)
        guard case .escalate = watchdog.handle(.checkFailed("x"), at: Self.t0 + 20) else {
            Issue.record("the second restart within the window must escalate")
            return
        }
        _ = watchdog.handle(.checkPassed("x"), at: Self.t0 + 30)
        #expect(
            watchdog.handle(.checkFailed("x"), at: Self.t0 + 700) == .restart(attempt: 1),
            "the restart left the window"
        )
    }

    @Test func recoveryIsReportedOnceAndResetsEscalation() {
        var watchdog = Watchdog(
            policy: RemediationPolicy(
                restartAfter: 1,
                cooldown: .seconds(1),
                maxRestarts: 1,
                window: .seconds(3600),
                command: ["x"]
            )
        )
        #expect(watchdog.handle(.checkFailed("x"), at: Self.t0) == .restart(attempt: 1))
        _ = watchdog.handle(.restartFinished(succeeded: true), at: Self.t0 + 1)
        guard case .escalate = watchdog.handle(.checkFailed("x"), at: Self.t0 + 10) else {
            Issue.record("expected an escalation")
            return
        }
        #expect(watchdog.handle(.checkPassed("x"), at: Self.t0 + 20) == .recovered(restartsInWindow: 1))
        #expect(!watchdog.escalated)
        #expect(watchdog.handle(.checkPassed("x"), at: Self.t0 + 30) == .none, "reported once")
        // Still inside the window: the flap limit holds right away.
        guard case .escalate = watchdog.handle(.checkFailed("x"), at: Self.t0 + 40) else {
            Issue.record("the restart history survives recovery")
            return
        }
    }

    @Test func aHoldSuspendsRestartsAndAReleaseActsAtOnce() {
        var watchdog = Watchdog(policy: Self.policy)
        #expect(watchdog.handle(.hold, at: Self.t0) == .none)
        let held = Self.feed(
            &watchdog,
            [.checkFailed("x"), .checkFailed("x"), .checkFailed("x"), .checkFailed("x")],
            from: Self.t0 + 1
        )
        #expect(held == [.none, .none, .none, .none])
        #expect(watchdog.consecutiveFailures == 4, "failures are still counted")
        #expect(watchdog.handle(.release, at: Self.t0 + 200) == .restart(attempt: 1))
    }

    @Test func passesWithoutActionAreQuiet() {
        var watchdog = Watchdog(policy: Self.policy)
        let actions = Self.feed(&watchdog, [.checkPassed("x"), .checkFailed("x"), .checkPassed("x")])
        #expect(actions == [.none, .none, .none])
    }
}
