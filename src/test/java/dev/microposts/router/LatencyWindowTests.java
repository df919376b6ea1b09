package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyWindowTests {

    @Test
    void keepsEveryLatencyBelowCapacityAndCountsErrorsWithoutTheirs() {
        LatencyWindow window = new LatencyWindow(100);
        window.record(5, false);
        window.record(1000, true);
        window.record(7, false);
        window.record(-1, false);
        window.record(Double.NaN, false);
        CanaryJudge.Sample sample = window.drain();
        assertThat(sample.requests()).isEqualTo(5);
        assertThat(sample.errors()).isEqualTo(1);
        assertThat(sample.latenciesMillis()).containsExactly(5, 7, 0);
        assertThat(window.drain()).satisfies(empty -> {
            assertThat(empty.requests()).isZero();
            assertThat(empty.latenciesMillis()).isEmpty();
        });
    }

    @Test
    void snapshotLeavesTheIntervalGoingOn() {
        LatencyWindow window = new LatencyWindow(10);
        window.record(1, false);
        assertThat(window.snapshot().requests()).isEqualTo(1);
        window.record(2, false);
        CanaryJudge.Sample sample = window.drain();
        assertThat(sample.requests()).isEqualTo(2);
        assertThat(sample.latenciesMillis()).containsExactly(1, 2);
    }

    @Test
    void memoryIsBoundedAndTheKeptLatenciesAreAUniformSampleOfTheInterval() {
        LatencyWindow window = new LatencyWindow(10_000);
        int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            window.record(i, false);
        }
        CanaryJudge.Sample sample = window.drain();
        assertThat(sample.requests()).isEqualTo(n);
        double[] kept = sample.latenciesMillis();
        assertThat(kept).hasSize(10_000);
        // a uniform sample of 0 .. n-1: mean n/2 (standard error n/sqrt(12 * 10,000) = 2,900),
        // and about a tenth in each tenth of the interval (not only the last ones)
        double mean = Arrays.stream(kept).average().orElseThrow();
        assertThat(mean).isBetween(n / 2.0 - 20_000, n / 2.0 + 20_000);
        int[] tenths = new int[10];
        for (double value : kept) {
            tenths[(int) (value / (n / 10))]++;
        }
        assertThat(Arrays.stream(tenths).boxed())
                .allSatisfy(count -> assertThat(count).isBetween(800, 1200));
        assertThat(Arrays.stream(kept).distinct().count()).isEqualTo(10_000);
    }

    @Test
    void recordsFromSeveralThreadsAreCountedExactly() throws Exception {
        LatencyWindow window = new LatencyWindow(1_000);
        int threads = 8;
        int each = 100_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        List<CanaryJudge.Sample> drained = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    window.record(i % 100, i % 10 == 0);
                }
                return null;
            }));
        }
        start.countDown();
        // drains while the threads record: no request is lost or counted twice
        for (int i = 0; i < 20; i++) {
            drained.add(window.drain());
            Thread.sleep(1);
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        drained.add(window.drain());
        long requests = drained.stream().mapToLong(CanaryJudge.Sample::requests).sum();
        long errors = drained.stream().mapToLong(CanaryJudge.Sample::errors).sum();
        assertThat(requests).isEqualTo((long) threads * each);
        assertThat(errors).isEqualTo((long) threads * each / 10);
        assertThat(drained).allSatisfy(s -> assertThat(s.latenciesMillis().length)
                .isEqualTo((int) Math.min(1_000, s.requests() - s.errors())));
    }
}
