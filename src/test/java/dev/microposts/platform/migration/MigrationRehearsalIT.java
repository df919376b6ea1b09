package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.bench.MigrationRehearsal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal of bin/microposts-migrate-rehearsal, shortened (a lower rate, shorter phases):
 * real PostgreSQL servers, a real Kafka broker, real processes; posts, social and then timeline
 * extracted under an open-loop load (new microposts, edits, deletes, follows, unfollows and
 * re-follows) through every step, with rollbacks, and completed; every write's last acknowledged
 * state checked on the final databases and in 20 timelines.
 */
class MigrationRehearsalIT {

    @Test
    void postsSocialAndTimelineAreExtractedUnderLoadWithNothingFailedLostOrReused() throws Exception {
        MigrationRehearsal.Report report = new MigrationRehearsal(25, Duration.ofSeconds(2)).run();
        System.out.println(report.table());
        assertThat(report.failures()).as("failed requests").isEmpty();
        assertThat(report.acknowledgedWrites()).isGreaterThan(50);
        // the load did each kind of write it checks
        assertThat(report.writesByKind())
                .allSatisfy((kind, count) -> assertThat(count).as(kind).isPositive());
        assertThat(report.missingWrites()).as("acknowledged writes missing").isZero();
        assertThat(report.idsIssuedTwice()).as("ids issued twice").isZero();
        assertThat(report.timelineMisses()).as("wrong timeline entries").isZero();
        assertThat(report.shadowDifferences())
                .as("shadow differences after noise cancelling")
                .isZero();
        assertThat(report.longestHoldSeconds()).isPositive().isLessThan(5);
    }
}
