package io.calbridge.scheduling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The meetings table and the per-user booking locks. */
@Repository
class Meetings {

    /** A meeting claimed under an idempotency key: its request's hash, and its answer once booked. */
    record Claimed(UUID id, String requestHash, String answer) {
    }

    private final JdbcClient jdbc;

    Meetings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the caller's key for a new meeting, or answers empty when the key is taken. A claim made by a transaction
     * still running makes this wait for it to commit (taken) or roll back (claimed now): the unique index serialises
     * retries of one request, on every instance.
     */
    boolean claim(UUID id, String caller, String idempotencyKey, String requestHash, List<String> userIds, Instant now) {
        return jdbc.sql("""
                INSERT INTO meetings (id, caller, idempotency_key, request_hash, user_ids, created_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (caller, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING""")
                .params(id, caller, idempotencyKey, requestHash, userIds.toArray(String[]::new), Timestamp.from(now))
                .update() == 1;
    }

    Optional<Claimed> byKey(String caller, String idempotencyKey) {
        return jdbc.sql("SELECT id, request_hash, answer FROM meetings WHERE caller = ? AND idempotency_key = ?")
                .params(caller, idempotencyKey)
                .query((rs, row) -> new Claimed(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3))).optional();
    }

    void booked(UUID id, Instant start, Instant end, String answer) {
        jdbc.sql("UPDATE meetings SET start_at = ?, end_at = ?, answer = ?::jsonb WHERE id = ?")
                .params(Timestamp.from(start), Timestamp.from(end), answer, id).update();
    }

    /**
     * Records the organizer's meeting link, the first one only; answers the other users of the meeting, or nothing
     * when {@code userId} is not its organizer or the meeting has its link already.
     */
    List<String> firstLinkOfOrganizer(UUID meetingId, String userId, String meetingUrl) {
        return jdbc.sql("UPDATE meetings SET meeting_url = ? WHERE id = ? AND user_ids[1] = ? AND meeting_url IS NULL RETURNING user_ids")
                .params(meetingUrl, meetingId, userId)
                .query(rs -> {
                    List<String> others = new java.util.ArrayList<>();
                    while (rs.next()) {
                        for (String user : (String[]) rs.getArray(1).getArray()) {
                            if (!user.equals(userId)) {
                                others.add(user);
                            }
                        }
                    }
                    return others;
                });
    }

    /**
     * Takes each user's booking lock until the transaction ends, in one global order (by key), so two bookings that
     * share users never wait for each other in a circle. Two ids whose keys collide only share a lock.
     */
    void lockUsers(List<String> userIds) {
        userIds.stream().map(Meetings::lockKey).distinct().sorted(Comparator.naturalOrder())
                .forEach(key -> jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(key).query(rs -> {
                }));
    }

    private static long lockKey(String userId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("meeting-user:" + userId).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                key = (key << 8) | (digest[i] & 0xFF);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
