package io.calbridge.platform;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A fingerprint of what a user has in the database: appointments, their destinations, connections (what a caller can
 * change of them: settings, status, calendars), pending authorizations, queued jobs and stored events. Columns that
 * background syncs move on their own (last sync time and outcome, tokens) are left out.
 */
final class UserRows {

    private final JdbcClient jdbc;

    UserRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    String snapshot(String userId) {
        return jdbc.sql("""
                SELECT concat_ws(' | ',
                  (SELECT md5(coalesce(string_agg(row_to_json(a)::text, ',' ORDER BY appointment_id), ''))
                     FROM appointments a WHERE user_id = :user),
                  (SELECT md5(coalesce(string_agg(row_to_json(e)::text, ',' ORDER BY appointment_id, connection_id), ''))
                     FROM appointment_events e WHERE user_id = :user),
                  (SELECT md5(coalesce(string_agg(concat_ws(',', id, status, settings::text, calendars::text, account_email),
                     ';' ORDER BY id), '')) FROM connections WHERE user_id = :user),
                  (SELECT count(*) FROM oauth_states WHERE user_id = :user),
                  (SELECT count(*) FROM sync_jobs WHERE user_id = :user AND kind = 'PUSH'),
                  (SELECT count(*) FROM events e JOIN connections c ON c.id = e.connection_id WHERE c.user_id = :user))""")
                .param("user", userId)
                .query(String.class)
                .single();
    }
}
