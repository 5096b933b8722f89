package io.calbridge.event;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Per user, a number that rises with every write to what their busy time is made of (events, appointments), and a
 * record of what each write touched ({@code busy_time_changes}). Writers report their changes inside their own
 * transaction; just before it commits, one statement per user adds the change row and bumps the stamp, so both commit
 * with the change. Readers that cache a user's busy time compare the stamp on each request (one index lookup) and so
 * see every committed change, on every instance; the change rows tell them what to re-read ({@link BusyChangeLog}).
 * The stamp is the sum of up to {@value #SHARDS} rows, each bump adding 1 to a random one, so that a user's concurrent
 * writers seldom wait for the same row lock.
 */
@Repository
public class ChangeStamps {

    static final int SHARDS = 16;
    /** The change row and the stamp in one statement: one round trip, and never one without the other. */
    private static final String RECORD = """
            WITH change AS (
                INSERT INTO busy_time_changes (user_id, busy, appointment_ids, everything)
                SELECT ?, (SELECT range_agg(tstzrange(to_timestamp(s), to_timestamp(e)))
                           FROM unnest(?::bigint[], ?::bigint[]) AS r (s, e)), ?::text[], ?)
            INSERT INTO user_change_stamps (user_id, shard, stamp) VALUES (?, ?, 1)
            ON CONFLICT (user_id, shard) DO UPDATE SET stamp = user_change_stamps.stamp + 1""";

    private final JdbcClient jdbc;

    ChangeStamps(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's busy time changed in a way that is not worth bounding; as {@link #changed}. */
    public void bump(String userId) {
        changed(userId, BusyChange.everything());
    }

    /**
     * The user's events or appointments changed as {@code change} says (call inside the writing transaction). Recorded
     * just before that transaction commits, once per user however often it is called: the stamp's row lock is then held
     * only for the commit, not while the rest of the transaction runs (a sync page's listeners, say), which other
     * writers of the user would wait for. Outside a transaction it is recorded at once.
     */
    public void changed(String userId, BusyChange change) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            record(userId, change);
            return;
        }
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof RecordBeforeCommit pending && pending.owner == this && pending.userId.equals(userId)) {
                pending.change.add(change);
                return;
            }
        }
        BusyChange collected = BusyChange.none();
        collected.add(change);
        TransactionSynchronizationManager.registerSynchronization(new RecordBeforeCommit(this, userId, collected));
    }

    private void record(String userId, BusyChange change) {
        boolean everything = change.isEverything();
        long[][] ranges = everything ? new long[][] {new long[0], new long[0]} : change.merged();
        String[] appointments = everything ? new String[0] : change.appointmentIds();
        jdbc.sql(RECORD).params(userId, ranges[0], ranges[1], appointments.length == 0 ? null : appointments, everything,
                userId, randomShard()).update();
    }

    private record RecordBeforeCommit(ChangeStamps owner, String userId, BusyChange change) implements TransactionSynchronization {
        @Override
        public void beforeCommit(boolean readOnly) {
            owner.record(userId, change);
        }
    }

    /** The users' current stamps, in one query; a user whose data was never written is missing (read: 0). */
    public Map<String, Long> current(Collection<String> userIds) {
        Map<String, Long> stamps = new HashMap<>();
        jdbc.sql("SELECT user_id, sum(stamp) FROM user_change_stamps WHERE user_id = ANY (?) GROUP BY user_id")
                .param(userIds.toArray(String[]::new))
                .query(rs -> {
                    stamps.put(rs.getString(1), rs.getLong(2));
                });
        return stamps;
    }

    /** The user's current stamp; 0 while nothing of theirs was ever written. */
    public long current(String userId) {
        return jdbc.sql("SELECT coalesce(sum(stamp), 0) FROM user_change_stamps WHERE user_id = ?").param(userId).query(Long.class)
                .single();
    }

    private static short randomShard() {
        return (short) ThreadLocalRandom.current().nextInt(SHARDS);
    }
}
