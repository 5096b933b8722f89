package io.calbridge.provider;

/** The provider's answer to a write: its id for the event, the meeting link if one was made, and the version tag. */
public record WrittenEvent(String externalId, String meetingUrl, String etag) {
}
