package io.calbridge.connection;

import io.calbridge.provider.CalendarInfo;
import jakarta.persistence.LockModeType;
import jakarta.persistence.QueryHint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.jpa.HibernateHints;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.QueryHints;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Connections. Reads join the caller's transaction if there is one and open none of their own: a read alone is one
 * statement in autocommit, not BEGIN, SELECT and COMMIT (the push path reads a connection twice per job). Lists are
 * read-only (no snapshot, nothing to flush). Background work that records what happened
 * (a sync's outcome, the calendars listed) writes its own columns in one statement, so it never fails on, nor
 * undoes, a concurrent change of the user's settings or a token refresh.
 */
@Transactional(propagation = Propagation.SUPPORTS, readOnly = true)
interface ConnectionRepository extends JpaRepository<Connection, UUID> {

    @Override
    Optional<Connection> findById(UUID id);

    @QueryHints(@QueryHint(name = HibernateHints.HINT_READ_ONLY, value = "true"))
    Optional<Connection> findByIdAndUserId(UUID id, String userId);

    @QueryHints(@QueryHint(name = HibernateHints.HINT_READ_ONLY, value = "true"))
    @Query("select c from Connection c where c.status = io.calbridge.connection.ConnectionStatus.ACTIVE order by c.lastSyncAt nulls first")
    List<Connection> findActive();

    Optional<Connection> findByUserIdAndProviderAndAccountId(String userId, String provider, String accountId);

    @Query("select c.id from Connection c")
    List<UUID> findAllIds();

    /** Locks the row until the transaction ends: one refresh at a time per connection, across instances too. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from Connection c where c.id = :id")
    Optional<Connection> lockById(UUID id);

    @Transactional
    @Modifying
    @Query("update versioned Connection c set c.calendars = :calendars, c.updatedAt = :now where c.id = :id")
    int updateCalendars(UUID id, List<CalendarInfo> calendars, Instant now);

    @Transactional
    @Modifying
    @Query("update Connection c set c.lastSyncAt = :at, c.lastSyncOutcome = :outcome, c.lastSyncError = :error where c.id = :id")
    int recordSync(UUID id, String outcome, String error, Instant at);

    /** The provider refuses the connection's tokens although they are fresh: shown as its last outcome, with why. */
    @Transactional
    @Modifying
    @Query("update Connection c set c.lastSyncOutcome = :outcome, c.lastSyncError = :error where c.id = :id")
    int recordAuthFailure(UUID id, String outcome, String error);

    @Transactional
    @Modifying
    @Query("update versioned Connection c set c.status = io.calbridge.connection.ConnectionStatus.NEEDS_REAUTH, "
            + "c.lastSyncError = :reason, c.updatedAt = :now where c.id = :id "
            + "and c.status <> io.calbridge.connection.ConnectionStatus.NEEDS_REAUTH")
    int markNeedsReauth(UUID id, String reason, Instant now);

    @Transactional
    @Modifying
    @Query("delete from Connection c where c.id = :id")
    int deleteConnection(UUID id);
}
