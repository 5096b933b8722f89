package io.calbridge.event;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Per user, a number that changes with every write to what their busy time is made of (events, appointments).
 * Writers bump it inside their own transaction, so it commits with the change; readers that cache a user's busy time
 * compare it on each request (one primary-key lookup) and so see every committed change, on every instance.
 */
@Repository
public class ChangeStamps {

    private static final String ON_CONFLICT = "ON CONFLICT (user_id) DO UPDATE SET stamp = excluded.stamp";

    private final JdbcClient jdbc;

    ChangeStamps(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's events or appointments changed (call inside the writing transaction). */
    public void bump(String userId) {
        jdbc.sql("INSERT INTO user_change_stamps (user_id, stamp) VALUES (?, nextval('user_change_stamp_seq')) " + ON_CONFLICT)
                .param(userId).update();
    }

    /** The events of the connection's owner changed. */
    public void bumpOwnerOf(UUID connectionId) {
        jdbc.sql("INSERT INTO user_change_stamps (user_id, stamp) SELECT user_id, nextval('user_change_stamp_seq') FROM connections "
                + "WHERE id = ? " + ON_CONFLICT).param(connectionId).update();
    }

    /** The users' current stamps, in one query; a user whose data was never written is missing (read: 0). */
    public Map<String, Long> current(Collection<String> userIds) {
        Map<String, Long> stamps = new HashMap<>();
        jdbc.sql("SELECT user_id, stamp FROM user_change_stamps WHERE user_id = ANY (?)").param(userIds.toArray(String[]::new))
                .query(rs -> {
                    stamps.put(rs.getString(1), rs.getLong(2));
                });
        return stamps;
    }

    /** The user's current stamp; 0 while nothing of theirs was ever written. */
    public long current(String userId) {
        return jdbc.sql("SELECT stamp FROM user_change_stamps WHERE user_id = ?").param(userId).query(Long.class).optional().orElse(0L);
    }
}
