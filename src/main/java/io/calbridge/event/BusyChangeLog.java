package io.calbridge.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Reads what changed of a user's busy time since a PostgreSQL snapshot ({@code busy_time_changes}, written by
 * {@link ChangeStamps}), and prunes old rows. Meant to be called inside one REPEATABLE READ transaction together with
 * the stamp and the store, so that all of them describe the same snapshot.
 */
@Repository
public class BusyChangeLog {

    /** Change rows are kept this long; a cache entry older than half of it rebuilds instead of asking (see {@link #usableFor}). */
    public static final Duration RETENTION = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(BusyChangeLog.class);

    private final JdbcClient jdbc;

    BusyChangeLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What committed after {@code snapshot} and is visible now: {@code rows} change rows, their ranges merged ({starts,
     * ends} in epoch seconds), the appointments they name, and whether any of them changed everything.
     */
    public record Since(int rows, boolean everything, long[] starts, long[] ends, Set<String> appointmentIds) {
    }

    /** Makes the current transaction REPEATABLE READ: its first statement, before any read takes the snapshot. */
    public void repeatableRead() {
        jdbc.sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").update();
    }

    /** A user's change stamp and the snapshot it was read in ({@code pg_snapshot} text: what the transaction sees). */
    public record Stamped(long stamp, String snapshot) {
    }

    /** The user's stamp ({@link ChangeStamps#current(String)}) and the current transaction's snapshot, in one statement. */
    public Stamped stamped(String userId) {
        return jdbc.sql("SELECT coalesce(sum(stamp), 0), pg_current_snapshot()::text FROM user_change_stamps WHERE user_id = ?")
                .param(userId).query((rs, row) -> new Stamped(rs.getLong(1), rs.getString(2))).single();
    }

    /**
     * The changes of the user that {@code snapshot} could not see. Rows older than its xmin were all visible to it (a
     * transaction below xmin had ended when it was taken), so the index is scanned from there only.
     */
    public Since since(String userId, String snapshot) {
        List<long[]> ranges = new ArrayList<>();
        Set<String> appointments = new LinkedHashSet<>();
        int[] rows = {0};
        boolean[] everything = {false};
        jdbc.sql("""
                SELECT c.everything, c.appointment_ids,
                    (SELECT array_agg(floor(extract(epoch FROM lower(r)))::bigint) FROM unnest(c.busy) AS r) AS starts,
                    (SELECT array_agg(ceil(extract(epoch FROM upper(r)))::bigint) FROM unnest(c.busy) AS r) AS ends
                FROM busy_time_changes c
                WHERE c.user_id = ? AND c.xid >= pg_snapshot_xmin(?::pg_snapshot) AND NOT pg_visible_in_snapshot(c.xid, ?::pg_snapshot)""")
                .params(userId, snapshot, snapshot)
                .query(rs -> {
                    rows[0]++;
                    everything[0] |= rs.getBoolean(1);
                    java.sql.Array ids = rs.getArray(2);
                    if (ids != null) {
                        appointments.addAll(Arrays.asList((String[]) ids.getArray()));
                    }
                    java.sql.Array starts = rs.getArray(3);
                    java.sql.Array ends = rs.getArray(4);
                    if (starts != null) {
                        Long[] s = (Long[]) starts.getArray();
                        Long[] e = (Long[]) ends.getArray();
                        for (int i = 0; i < s.length; i++) {
                            ranges.add(new long[] {s[i], e[i]});
                        }
                    }
                });
        long[] starts = ranges.stream().mapToLong(r -> r[0]).toArray();
        long[] ends = ranges.stream().mapToLong(r -> r[1]).toArray();
        long[][] merged = BusyChange.merge(starts, ends);
        return new Since(rows[0], everything[0], merged[0], merged[1], appointments);
    }

    /** Whether an entry built {@code age} ago may be brought up to date from the change rows (none it needs is pruned yet). */
    public static boolean usableFor(Duration age) {
        return age.compareTo(RETENTION.dividedBy(2)) < 0;
    }

    /**
     * Drops change rows past the retention. Every instance may run it: the statement is idempotent and cheap (an index
     * range), and a reader never needs a row older than half the retention.
     */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    public void prune() {
        int pruned = jdbc.sql("DELETE FROM busy_time_changes WHERE created_at < now() - ?::interval")
                .param(RETENTION.toSeconds() + " seconds").update();
        if (pruned > 0) {
            log.debug("pruned {} busy-time change rows", pruned);
        }
    }
}
