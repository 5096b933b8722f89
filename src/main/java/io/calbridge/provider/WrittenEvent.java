package io.calbridge.provider;

/**
 * The provider's answer to a write: its id for the event, the meeting link if one was made, and the version tag.
 *
 * @param meetingLinkUnavailable why no meeting link was made although the draft asked for one, in words a user
 *                               understands (null: a link was made, none was asked for, or the provider cannot tell)
 */
public record WrittenEvent(String externalId, String meetingUrl, String etag, String meetingLinkUnavailable) {

    /** A write that needs no explanation about meeting links. */
    public WrittenEvent(String externalId, String meetingUrl, String etag) {
        this(externalId, meetingUrl, etag, null);
    }
}
