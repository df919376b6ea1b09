package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrafficTests {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final Traffic traffic = new Traffic(now::get);

    @Test
    void eachWholeSecondCountsItsRequestsErrorsAndP99AndTheSecondGoingOnIsNotShown() {
        for (int i = 1; i <= 100; i++) {
            traffic.record("posts", "primary", i, false);
        }
        traffic.record("posts", "primary", 5, true);
        traffic.record("posts", "candidate", 3, false);
        // the second going on is not shown
        assertThat(traffic.summary("posts", "primary", 1).requests()).isZero();
        now.addAndGet(1000);
        Traffic.Figures second = traffic.summary("posts", "primary", 1);
        assertThat(second.requests()).isEqualTo(101);
        assertThat(second.errors()).isEqualTo(1);
        assertThat(second.rate()).isEqualTo(101.0);
        assertThat(second.errorRate()).isCloseTo(1 / 101.0, within(1e-9));
        // nearest rank of 100 answered latencies 1..100 ms: the 99th, within the bins' precision
        assertThat(second.p99()).isCloseTo(99.0, within(99 * 0.025));
        Traffic.Figures candidate = traffic.summary("posts", "candidate", 1);
        // a p99 is never above the slowest latency of its seconds
        assertThat(candidate.p99()).isLessThanOrEqualTo(3.0).isCloseTo(3.0, within(3 * 0.025));
        assertThat(traffic.summary("posts", "nobody", 1)).satisfies(none -> {
            assertThat(none.requests()).isZero();
            assertThat(none.errorRate()).isNull();
            assertThat(none.p99()).isNull();
        });
    }

    @Test
    void aSeriesHasEverySecondOldestFirstWithZerosWhereNothingCameAndTheWindowSumsThem() {
        long start = now.get() / 1000;
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i <= s; i++) {
                traffic.record("posts", "primary", 10, s == 4);
            }
            now.addAndGet(2000);
        }
        // seconds start, start+2, ..., start+8 had 1..5 requests; the last had only errors
        List<Traffic.Figures> series = traffic.series("posts", "primary", 10);
        assertThat(series).hasSize(10);
        assertThat(series.get(9).second()).isEqualTo(start + 9);
        assertThat(series.stream().map(Traffic.Figures::second)).isSorted();
        assertThat(series.stream().mapToLong(Traffic.Figures::requests))
                .containsExactly(1L, 0L, 2L, 0L, 3L, 0L, 4L, 0L, 5L, 0L);
        assertThat(series.get(8).errors()).isEqualTo(5);
        assertThat(series.get(8).p99()).isNull();
        assertThat(series.get(6).p99()).isLessThanOrEqualTo(10.0).isCloseTo(10.0, within(10 * 0.025));
        Traffic.Figures window = traffic.summary("posts", "primary", 10);
        assertThat(window.requests()).isEqualTo(15);
        assertThat(window.errors()).isEqualTo(5);
        assertThat(window.rate()).isEqualTo(1.5);
        assertThat(window.seconds()).isEqualTo(10);
    }

    @Test
    void secondsOlderThanTheHistoryAreForgottenAndTheirSlotsReused() {
        traffic.record("posts", "primary", 1, false);
        now.addAndGet(1000);
        assertThat(traffic.summary("posts", "primary", Traffic.HISTORY).requests())
                .isEqualTo(1);
        now.addAndGet(Traffic.HISTORY * 1000L);
        assertThat(traffic.summary("posts", "primary", Traffic.HISTORY).requests())
                .isZero();
        // the same slot, a later second: counted afresh
        traffic.record("posts", "primary", 2, false);
        now.addAndGet(1000);
        assertThat(traffic.summary("posts", "primary", 1).requests()).isEqualTo(1);
        assertThatThrownBy(() -> traffic.series("posts", "primary", Traffic.HISTORY + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> traffic.summary("posts", "primary", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theP99IsWithinTheBinsPrecisionOfTheExactOneOverManyScales() {
        Random random = new Random(7);
        for (double scale : new double[] {0.05, 1, 40, 2_000, 20_000}) {
            Traffic fresh = new Traffic(now::get);
            double[] latencies = new double[5000];
            for (int i = 0; i < latencies.length; i++) {
                latencies[i] = scale * Math.exp(random.nextGaussian());
                fresh.record("g", "b", latencies[i], false);
            }
            now.addAndGet(1000);
            Arrays.sort(latencies);
            double exact = latencies[(int) Math.ceil(0.99 * latencies.length) - 1];
            assertThat(fresh.summary("g", "b", 1).p99()).as("scale %s", scale).isCloseTo(exact, within(exact * 0.026));
        }
        // out of range: the smallest and the largest latency told apart
        assertThat(Traffic.bin(0)).isZero();
        assertThat(Traffic.bin(-1)).isZero();
        assertThat(Traffic.bin(Double.MAX_VALUE)).isEqualTo(Traffic.BINS - 1);
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            threads.submit(() -> {
                for (int i = 0; i < 10_000; i++) {
                    traffic.record("posts", "primary", i % 50, i % 100 == 0);
                }
            });
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        now.addAndGet(1000);
        Traffic.Figures second = traffic.summary("posts", "primary", 1);
        assertThat(second.requests()).isEqualTo(40_000);
        assertThat(second.errors()).isEqualTo(400);
    }
}
