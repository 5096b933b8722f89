package io.calbridge.sync;

import java.time.Duration;
import org.springframework.stereotype.Component;

/** Inbound sync as a queue job. */
@Component
class PullJobHandler implements JobHandler {

    private final InboundSync sync;
    private final SyncProperties properties;

    PullJobHandler(InboundSync sync, SyncProperties properties) {
        this.sync = sync;
        this.properties = properties;
    }

    @Override
    public String kind() {
        return SyncJob.PULL;
    }

    /** More asked while a pull ran came from push notifications: wait for the rest of their burst. */
    @Override
    public Duration rerunDelay() {
        return properties.notificationDelay();
    }

    @Override
    public Result run(SyncJob job) {
        InboundSync.Outcome outcome = sync.sync(job.connectionId(), job.fullSync());
        if (outcome.failure() != null) {
            return Result.failed(outcome.failure(), outcome.providerCalls());
        }
        return Result.done(job.wanted(), outcome.created(), outcome.updated(), outcome.deleted(), outcome.providerCalls());
    }
}
