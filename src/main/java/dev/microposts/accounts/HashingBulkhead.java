package dev.microposts.accounts;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Bounds how many password hashes run at once: each Argon2id hash takes its memory
 * ({@code microposts.password.argon2.memory-kib}) from the heap for its whole time, so unbounded
 * parallel logins would grow the process without limit. A hash waits at most
 * {@code microposts.password.max-wait} for one of the permits, then is refused with
 * {@link AccountRefusals.HashingBusy} (503 with Retry-After). A hash must not run inside a
 * transaction, where it would hold a database connection for its whole time.
 */
final class HashingBulkhead implements PasswordEncoder {

    private final PasswordEncoder hashes;
    private final Semaphore permits;
    private final int size;
    private final long maxWaitNanos;

    HashingBulkhead(PasswordEncoder hashes, int size, Duration maxWait) {
        this.hashes = hashes;
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.maxWaitNanos = maxWait.toNanos();
    }

    /**
     * The default number of hashes at once: twice the processors, but no more than a quarter of the
     * heap can hold ({@code memoryKib} each), and at least one.
     */
    static int defaultSize(long maxHeapBytes, int memoryKib, int processors) {
        long byHeap = maxHeapBytes / (memoryKib * 1024L * 4);
        return (int) Math.max(1, Math.min(processors * 2L, byHeap));
    }

    int size() {
        return size;
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return bounded(() -> hashes.encode(rawPassword));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        return bounded(() -> hashes.matches(rawPassword, encodedPassword));
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return hashes.upgradeEncoding(encodedPassword);
    }

    private <T> T bounded(Supplier<T> hash) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("A password hash must not run inside a transaction: it would hold a "
                    + "database connection for its whole time");
        }
        try {
            if (!permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                throw new AccountRefusals.HashingBusy();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AccountRefusals.HashingBusy();
        }
        try {
            return hash.get();
        } finally {
            permits.release();
        }
    }
}
