package io.calbridge.sync;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Items a notification named as changed, kept until a pull of their connection has read them again (any instance may
 * run that pull, so they live in the database, not in memory).
 */
@Repository
class RefreshHints {

    private final JdbcClient jdbc;
    private final Clock clock;

    RefreshHints(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void add(UUID connectionId, String itemId) {
        jdbc.sql("INSERT INTO sync_refresh_hints (connection_id, item_id, created_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (connection_id, item_id) DO UPDATE SET created_at = EXCLUDED.created_at")
                .params(connectionId, itemId, Timestamp.from(clock.instant())).update();
    }

    /** The connection's hints, read when a pull starts. */
    Pending pending(UUID connectionId) {
        Instant readAt = clock.instant();
        return new Pending(readAt, Set.copyOf(jdbc.sql("SELECT item_id FROM sync_refresh_hints WHERE connection_id = ?")
                .param(connectionId).query(String.class).list()));
    }

    record Pending(Instant readAt, Set<String> items) {
    }

    /** Done with what the pull read; a hint renewed after the pull began stays for the next one. */
    void done(UUID connectionId, Pending pending) {
        if (!pending.items().isEmpty()) {
            jdbc.sql("DELETE FROM sync_refresh_hints WHERE connection_id = ? AND item_id = ANY (?) AND created_at <= ?")
                    .params(connectionId, pending.items().toArray(String[]::new), Timestamp.from(pending.readAt())).update();
        }
    }
}
