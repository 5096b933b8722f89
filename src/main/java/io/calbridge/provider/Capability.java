package io.calbridge.provider;

/** What a provider can do; callers check before asking (Calendly, for one, cannot accept pushed events). */
public enum Capability {
    READ_EVENTS,
    WRITE_EVENTS,
    FREE_BUSY,
    PUSH_NOTIFICATIONS,
    MEETING_LINKS,
    /** Bookings of a scheduling tool can be canceled by their host. */
    CANCEL_BOOKINGS
}
