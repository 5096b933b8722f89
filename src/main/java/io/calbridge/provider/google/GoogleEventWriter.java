package io.calbridge.provider.google;

import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.model.ConferenceData;
import com.google.api.services.calendar.model.CreateConferenceRequest;
import com.google.api.services.calendar.model.Event;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.WrittenEvent;
import java.io.IOException;

/**
 * Creates, updates and deletes the events calbridge writes, idempotently.
 *
 * <ul>
 * <li>Create inserts under an id derived from the draft's idempotency key ({@link GoogleEventIds}). A 409
 *     {@code duplicate} means an earlier attempt succeeded and its reply was lost: the existing event is read and
 *     brought to the draft's content (undeleted first if it was deleted meanwhile), so retries converge on one event.</li>
 * <li>Update reads the event and writes it back with calbridge's fields replaced ({@code events.update}, two quota
 *     units, where Google counts a patch as three); fields calbridge does not own keep the user's values. An event
 *     deleted in Google is {@link ProviderException.NotFound}: the caller decides whether to create it again.</li>
 * <li>Delete treats 404 and 410 (already deleted) as done.</li>
 * </ul>
 * All writes use {@code conferenceDataVersion=1} (so a Meet request is honoured and an existing conference kept) and
 * {@code sendUpdates=none}: calbridge's application informs its own users; Google sends no invitation mails.
 */
final class GoogleEventWriter {

    private static final String NO_UPDATES = "none";

    private final GoogleApi api;

    GoogleEventWriter(GoogleApi api) {
        this.api = api;
    }

    WrittenEvent create(String accessToken, String calendarId, EventDraft draft) {
        Calendar calendar = api.calendar(accessToken);
        String id = GoogleEventIds.forKey(draft.idempotencyKey());
        Event created;
        try {
            created = calendar.events().insert(calendarId, GoogleEventMapper.newEvent(id, draft))
                    .setConferenceDataVersion(1)
                    .setSendUpdates(NO_UPDATES)
                    .execute();
        } catch (IOException e) {
            if (GoogleErrors.status(e) != 409) {
                throw api.errors().translate("events.insert", e);
            }
            return converge(calendar, calendarId, id, draft, e);
        } catch (IllegalArgumentException e) {
            throw api.errors().unreadable("events.insert", e);
        }
        return written(created, id, draft);
    }

    /** The id exists already: make that event the draft's, whatever state an earlier attempt left it in. */
    private WrittenEvent converge(Calendar calendar, String calendarId, String id, EventDraft draft, IOException conflict) {
        Event existing;
        try {
            existing = api.execute("events.get", () -> calendar.events().get(calendarId, id));
        } catch (ProviderException.NotFound e) {
            // Google keeps the id of an event it no longer shows: it cannot be created again under this key
            ProviderException failure = new ProviderException.Permanent("Google answered 409 for event id " + id
                    + " but cannot show that event", conflict);
            failure.addSuppressed(e);
            throw failure;
        }
        if (GoogleEventMapper.CANCELLED.equals(existing.getStatus())) {
            existing.setStatus(GoogleEventMapper.CONFIRMED);
        }
        GoogleEventMapper.applyDraft(existing, draft);
        return written(replace(calendar, calendarId, id, existing), id, draft);
    }

    WrittenEvent update(String accessToken, String calendarId, String externalId, EventDraft draft) {
        Calendar calendar = api.calendar(accessToken);
        Event existing = api.execute("events.get", () -> calendar.events().get(calendarId, externalId));
        if (GoogleEventMapper.CANCELLED.equals(existing.getStatus())) {
            throw new ProviderException.NotFound("event " + externalId + " was deleted in Google", null);
        }
        GoogleEventMapper.applyDraft(existing, draft);
        return written(replace(calendar, calendarId, externalId, existing), externalId, draft);
    }

    void delete(String accessToken, String calendarId, String externalId) {
        try {
            api.calendar(accessToken).events().delete(calendarId, externalId).setSendUpdates(NO_UPDATES).execute();
        } catch (IOException e) {
            int status = GoogleErrors.status(e);
            if (status == 404 || status == 410) {
                return; // gone already: what a delete wants
            }
            throw api.errors().translate("events.delete", e);
        }
    }

    private Event replace(Calendar calendar, String calendarId, String id, Event event) {
        return api.execute("events.update", () -> calendar.events().update(calendarId, id, event)
                .setConferenceDataVersion(1)
                .setSendUpdates(NO_UPDATES));
    }

    private static WrittenEvent written(Event event, String requestedId, EventDraft draft) {
        String id = event.getId() != null ? event.getId() : requestedId;
        String meetingUrl = GoogleEventMapper.meetingUrl(event);
        return new WrittenEvent(id, meetingUrl, event.getEtag(),
                draft.requestMeetingLink() && meetingUrl == null ? meetingLinkUnavailable(event) : null);
    }

    /**
     * Why Google made no Meet link, from the conference create request's status ({@code failure}: the request failed and
     * there are no entry points; {@code pending}: still being processed); null when Google tells nothing.
     */
    static String meetingLinkUnavailable(Event event) {
        ConferenceData conference = event.getConferenceData();
        CreateConferenceRequest request = conference == null ? null : conference.getCreateRequest();
        String status = request == null || request.getStatus() == null ? null : request.getStatus().getStatusCode();
        if ("failure".equals(status)) {
            return "Google could not create a Google Meet conference for this event (its conference create request failed)";
        }
        if ("pending".equals(status)) {
            return "Google had not finished creating the Google Meet conference when it answered";
        }
        return null;
    }
}
