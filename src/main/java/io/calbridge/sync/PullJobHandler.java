package io.calbridge.sync;

import org.springframework.stereotype.Component;

/** Inbound sync as a queue job. */
@Component
class PullJobHandler implements JobHandler {

    private final InboundSync sync;

    PullJobHandler(InboundSync sync) {
        this.sync = sync;
    }

    @Override
    public String kind() {
        return SyncJob.PULL;
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
