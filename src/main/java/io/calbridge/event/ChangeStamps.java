package io.calbridge.event;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Per user, a number that rises with every write to what their busy time is made of (events, appointments).
 * Writers bump it inside their own transaction (just before it commits), so it commits with the change; readers that cache a user's busy time
 * compare it on each request (one index lookup) and so see every committed change, on every instance. It is kept as
 * the sum of up to {@value #SHARDS} rows, each bump adding 1 to a random one, so that a user's concurrent writers
 * seldom wait for the same row lock.
 */
@Repository
public class ChangeStamps {

    static final int SHARDS = 16;
    private static final String ADD_ONE = "ON CONFLICT (user_id, shard) DO UPDATE SET stamp = user_change_stamps.stamp + 1";

    private final JdbcClient jdbc;

    ChangeStamps(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The user's events or appointments changed (call inside the writing transaction). The stamp is raised just before
     * that transaction commits, once however often it is asked: its row lock is then held only for the commit, not
     * while the rest of the transaction runs (a sync page's listeners, say), which other writers of the user would wait for.
     */
    public void bump(String userId) {
        atCommit("user " + userId, () -> jdbc.sql("INSERT INTO user_change_stamps (user_id, shard, stamp) VALUES (?, ?, 1) " + ADD_ONE)
                .params(userId, randomShard()).update());
    }

    /** The events of the connection's owner changed; as {@link #bump}. */
    public void bumpOwnerOf(UUID connectionId) {
        atCommit("connection " + connectionId, () -> jdbc.sql(
                "INSERT INTO user_change_stamps (user_id, shard, stamp) SELECT user_id, ?, 1 FROM connections WHERE id = ? " + ADD_ONE)
                .params(randomShard(), connectionId).update());
    }

    /** Runs {@code bump} before the current transaction commits, once per {@code key}; at once outside a transaction. */
    private void atCommit(String key, Runnable bump) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            bump.run();
            return;
        }
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof BumpBeforeCommit pending && pending.owner == this && pending.key.equals(key)) {
                return;
            }
        }
        TransactionSynchronizationManager.registerSynchronization(new BumpBeforeCommit(this, key, bump));
    }

    private record BumpBeforeCommit(ChangeStamps owner, String key, Runnable bump) implements TransactionSynchronization {
        @Override
        public void beforeCommit(boolean readOnly) {
            bump.run();
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
