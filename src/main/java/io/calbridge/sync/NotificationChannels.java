package io.calbridge.sync;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

@Transactional(propagation = Propagation.SUPPORTS, readOnly = true) // one statement, no transaction of its own
interface NotificationChannels extends JpaRepository<NotificationChannel, String> {

    @Override
    Optional<NotificationChannel> findById(String channelId);

    List<NotificationChannel> findByConnectionIdAndCalendarId(UUID connectionId, String calendarId);

    List<NotificationChannel> findByConnectionId(UUID connectionId);

    List<NotificationChannel> findByExpiresAtBefore(Instant before);

    @Query("select distinct c.connectionId from NotificationChannel c where c.expiresAt > :now")
    List<UUID> connectionsWithChannelsLiveAt(Instant now);
}
