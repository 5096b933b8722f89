package io.calbridge.testing;

import io.calbridge.provider.BusyInterval;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.ChangePage;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.PushChannel;
import io.calbridge.provider.WrittenEvent;
import java.time.Instant;
import java.util.List;

/** Test providers that stand in for an authorization server only: every event operation is refused. */
abstract class AccountOnlyProvider implements CalendarProvider {

    @Override
    public ChangePage changes(String accessToken, String calendarId, ChangeRequest request) {
        throw noEvents();
    }

    @Override
    public WrittenEvent createEvent(String accessToken, String calendarId, EventDraft draft) {
        throw noEvents();
    }

    @Override
    public WrittenEvent updateEvent(String accessToken, String calendarId, String externalId, EventDraft draft) {
        throw noEvents();
    }

    @Override
    public void deleteEvent(String accessToken, String calendarId, String externalId) {
        throw noEvents();
    }

    @Override
    public List<BusyInterval> freeBusy(String accessToken, List<String> calendarIds, Instant from, Instant to) {
        throw noEvents();
    }

    @Override
    public PushChannel watch(String accessToken, String calendarId, String webhookUrl, Instant requestedExpiry) {
        throw noEvents();
    }

    @Override
    public void stopWatch(String accessToken, PushChannel channel) {
        throw noEvents();
    }

    private ProviderException noEvents() {
        return new ProviderException.Permanent(id() + " has no events; it only stands in for an authorization server", null);
    }
}
