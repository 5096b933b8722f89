package io.calbridge.availability;

import io.calbridge.event.EventQuery;
import io.calbridge.event.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * When users habitually hold meetings: their busy, timed events of the last weeks in the store (series expanded, as
 * synced; no provider is asked), counted per weekday × hour of the asker's zone. One store query per user.
 */
@Component
class MeetingHabits {

    static final Duration LOOKBACK = Duration.ofDays(56);

    private final EventQuery events;
    private final Clock clock;

    MeetingHabits(EventQuery events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Per user, in the order given, a {@link SlotRanking#histogram} of the meetings that started in the last 8 weeks. */
    List<int[]> of(List<String> userIds, ZoneId zone) {
        Instant now = clock.instant();
        Instant since = now.minus(LOOKBACK);
        List<int[]> histograms = new ArrayList<>(userIds.size());
        for (String userId : userIds) {
            List<Instant> starts = new ArrayList<>();
            for (StoredEvent event : events.between(userId, since, now, null)) {
                if (event.busy() && !event.allDay() && !event.start().isBefore(since) && event.start().isBefore(now)) {
                    starts.add(event.start());
                }
            }
            histograms.add(SlotRanking.histogram(starts, zone));
        }
        return histograms;
    }
}
