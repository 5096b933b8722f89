package io.calbridge.sync;

import io.calbridge.provider.ProviderException;
import java.time.Duration;

/** Runs the jobs of one kind. It reports what happened; the queue alone decides about retries. */
public interface JobHandler {

    String kind();

    /** Runs the job once; provider failures come back as {@link Result#failed}, never thrown. */
    Result run(SyncJob job);

    /** How long a job asked for again while it ran waits before running again. */
    default Duration rerunDelay() {
        return Duration.ZERO;
    }

    /**
     * The job gave up for good (dead): show it where the user looks. {@code reason}: {@code permanent} (the provider
     * refused) or {@code transient} (attempts used up), as the job's errorReason.
     */
    default void onDead(SyncJob job, String reason, String error) {
    }

    /** What a run did. {@code reached}: the version (or request) now done. */
    record Result(long reached, int created, int updated, int deleted, int providerCalls, ProviderException failure) {

        public static Result done(long reached, int created, int updated, int deleted, int providerCalls) {
            return new Result(reached, created, updated, deleted, providerCalls, null);
        }

        public static Result failed(ProviderException failure, int providerCalls) {
            return new Result(0, 0, 0, 0, providerCalls, failure);
        }

        public boolean ok() {
            return failure == null;
        }
    }
}
